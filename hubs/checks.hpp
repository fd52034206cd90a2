#pragma once
// Input checks run before anything is built or signed. Each failure throws hubs::InvalidField with a
// JSON pointer to the offending field, so a client learns exactly what to fix and no key is touched.
#include <chrono>
#include <string>
#include <string_view>

#include "hubs/error.hpp"
#include "hubs/types.hpp"

namespace ehagent::hubs {

void checkSsin(std::string_view pointer, std::string_view ssin);
void checkNihii(std::string_view pointer, std::string_view nihii);
// YYYY-MM-DD, a real calendar day; returns it as days since the epoch.
std::chrono::sys_days checkDate(std::string_view pointer, std::string_view date);
// start < end, both valid dates; `endPointer` names the field blamed when the order is wrong.
void checkDateOrder(std::string_view startPointer, std::string_view start,
                    std::string_view endPointer, std::string_view end);
void checkPatient(std::string_view pointer, const PatientRef& patient);
void checkAuthor(const RequestAuthor& author);

}  // namespace ehagent::hubs
