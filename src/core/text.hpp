#pragma once
// Small text helpers shared by config, logging and plugins.
#include <string>
#include <string_view>
#include <vector>

namespace shipper {

std::string_view trim(std::string_view s);
bool starts_with(std::string_view s, std::string_view prefix);
bool ends_with(std::string_view s, std::string_view suffix);
// Ruby's String#inspect: double quotes, with \" \\ \n \t \r \e and \xNN / \u escapes.
std::string ruby_inspect(std::string_view s);
// Levenshtein distance, for did-you-mean suggestions.
size_t edit_distance(std::string_view a, std::string_view b);
// The candidate closest to `word` when it is close enough to be a plausible typo, else "".
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace shipper
