/**
 * @file nat.hpp
 * Umbrella header of the reference NAT (namespace sipalg::nat): packet views,
 * checksums, conntrack and expectation tables, port allocator, the engine.
 */
#pragma once

#include "sipalg/nat/bytes.hpp"
#include "sipalg/nat/checksum.hpp"
#include "sipalg/nat/conntrack.hpp"
#include "sipalg/nat/deadline.hpp"
#include "sipalg/nat/engine.hpp"
#include "sipalg/nat/errc.hpp"
#include "sipalg/nat/expectation.hpp"
#include "sipalg/nat/flow.hpp"
#include "sipalg/nat/flow_key.hpp"
#include "sipalg/nat/hash_index.hpp"
#include "sipalg/nat/ipv4.hpp"
#include "sipalg/nat/packet.hpp"
#include "sipalg/nat/port_allocator.hpp"
#include "sipalg/nat/tcp.hpp"
#include "sipalg/nat/udp.hpp"
