/**
 * @file sipalg.hpp
 * Everything of sipalg, a header-only C++20 SIP ALG for any NAT:
 * core <- sip, sdp <- alg <- nat. Include a layer's umbrella (sipalg/alg.hpp)
 * or single headers to keep compile times down. sipalg/fmt.hpp (fmt
 * formatters) is not included here: it is the only header that needs fmt.
 */
#pragma once

#include "sipalg/alg.hpp"
#include "sipalg/core.hpp"
#include "sipalg/nat.hpp"
#include "sipalg/sdp.hpp"
#include "sipalg/sip.hpp"
