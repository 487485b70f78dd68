#pragma once
// filter_record_transformer's parameters, as Fluentd declares them (spec §4.1).
#include <optional>
#include <string>
#include <vector>

#include "config/schema.hpp"

namespace shipper::filter_record_transformer {

struct Params {
  std::vector<config::FreeFormSection> records;  // every <record>; later duplicates of a key win
  std::optional<config::ArrayValue> remove_keys;
  std::optional<config::ArrayValue> keep_keys;
  bool renew_record = false;
  std::optional<std::string> renew_time_key;
  bool enable_ruby = false;
  bool auto_typecast = true;  // Fluentd's code default (its docs say false)

  static void describe(config::Schema<Params>& s);
};

}  // namespace shipper::filter_record_transformer
