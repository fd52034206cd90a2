#pragma once
// The sandbox's "fail this share of calls" switches (the STS control's fail_percent, the hub's
// --hub-fail-percent) share one roll, so that a soak gets the failure rate it asks for.
namespace ehagent::sandbox {

// True for `percent` % of calls on average: 0 never, 100 always. Throws std::invalid_argument
// outside 0..100.
bool failThisCall(int percent);

}  // namespace ehagent::sandbox
