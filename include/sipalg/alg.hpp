/**
 * @file alg.hpp
 * Umbrella header of the ALG layer (namespace sipalg::alg): policy, binding,
 * edit plan, mangle helpers, expectation descriptors and the rewriter.
 */
#pragma once

#include "sipalg/alg/binding.hpp"
#include "sipalg/alg/edit_plan.hpp"
#include "sipalg/alg/expectation.hpp"
#include "sipalg/alg/mangle.hpp"
#include "sipalg/alg/policy.hpp"
#include "sipalg/alg/rewriter.hpp"
