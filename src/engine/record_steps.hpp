#pragma once
// The leading filters of a route that only add the same pairs to every record of a batch, as a
// producer can apply them: each record gets the pairs as soon as it is written, in place, and
// the router then skips those filters for the batch. Without this, each such filter copies the
// whole batch to add a few bytes to each record.
#include <string>
#include <vector>

#include "core/map_appendix.hpp"

namespace shipper {

class Filter;

struct RecordSteps {
  std::vector<const Filter*> filters;   // in route order
  std::vector<MapAppendix> appendices;  // one per filter

  bool empty() const { return filters.empty(); }
  void clear() {
    filters.clear();
    appendices.clear();
  }
  // Applies every step to the map that starts at `map_pos` and ends `entries`.
  void apply(std::string& entries, size_t map_pos) const {
    for (const auto& a : appendices) a.apply_to_tail(entries, map_pos);
  }
  // How many leading filters of `route` these steps stand for: all of them when the route
  // starts with exactly these filters, else none (the filters then run as usual; adding the
  // same pairs again changes nothing).
  template <class FilterPtrs>
  size_t applied_prefix(const FilterPtrs& route) const {
    if (filters.empty() || route.size() < filters.size()) return 0;
    for (size_t i = 0; i < filters.size(); ++i)
      if (route[i] != filters[i]) return 0;
    return filters.size();
  }
};

}  // namespace shipper
