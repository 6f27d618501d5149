/**
 * @file core.hpp
 * Umbrella header of the core layer: byte ranges, ASCII helpers, strict
 * numbers, IPv4/IPv6 addresses and endpoints, fixed-capacity containers.
 */
#pragma once

#include "sipalg/core/ascii.hpp"
#include "sipalg/core/config.hpp"
#include "sipalg/core/endpoint.hpp"
#include "sipalg/core/fixed_string.hpp"
#include "sipalg/core/fixed_vector.hpp"
#include "sipalg/core/ip_address.hpp"
#include "sipalg/core/number.hpp"
#include "sipalg/core/text_range.hpp"
