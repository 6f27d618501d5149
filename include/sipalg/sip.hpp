/**
 * @file sip.hpp
 * Umbrella header of the SIP layer (namespace sipalg::sip): message parser,
 * header ids, URI, name-addr, Via, Contact, CSeq, Call-ID, Expires,
 * Content-Length, Content-Type and TCP stream framing.
 */
#pragma once

#include "sipalg/sip/call_id.hpp"
#include "sipalg/sip/contact.hpp"
#include "sipalg/sip/content_length.hpp"
#include "sipalg/sip/content_type.hpp"
#include "sipalg/sip/cseq.hpp"
#include "sipalg/sip/errc.hpp"
#include "sipalg/sip/expires.hpp"
#include "sipalg/sip/framing.hpp"
#include "sipalg/sip/header_id.hpp"
#include "sipalg/sip/host.hpp"
#include "sipalg/sip/message.hpp"
#include "sipalg/sip/method.hpp"
#include "sipalg/sip/name_addr.hpp"
#include "sipalg/sip/params.hpp"
#include "sipalg/sip/parser.hpp"
#include "sipalg/sip/uri.hpp"
#include "sipalg/sip/via.hpp"
