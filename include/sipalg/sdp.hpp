/**
 * @file sdp.hpp
 * Umbrella header of the SDP layer: error codes, the session description
 * index, the parser and the multipart locator. Depends on core/ only.
 */
#pragma once

#include "sipalg/sdp/errc.hpp"
#include "sipalg/sdp/multipart.hpp"
#include "sipalg/sdp/parser.hpp"
#include "sipalg/sdp/session.hpp"
