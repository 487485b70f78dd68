#pragma once
#include <array>

#include "engine/parser_params.hpp"

namespace shipper::parser_multiline {

inline constexpr int kFormatMax = 20;

struct Params : ParserCommonParams {
  std::optional<std::string> format_firstline;
  std::optional<bool> unmatched_lines;
  std::optional<std::string> format1;
  std::optional<std::string> format2;
  std::optional<std::string> format3;
  std::optional<std::string> format4;
  std::optional<std::string> format5;
  std::optional<std::string> format6;
  std::optional<std::string> format7;
  std::optional<std::string> format8;
  std::optional<std::string> format9;
  std::optional<std::string> format10;
  std::optional<std::string> format11;
  std::optional<std::string> format12;
  std::optional<std::string> format13;
  std::optional<std::string> format14;
  std::optional<std::string> format15;
  std::optional<std::string> format16;
  std::optional<std::string> format17;
  std::optional<std::string> format18;
  std::optional<std::string> format19;
  std::optional<std::string> format20;
  Params() { time_key = "time"; }

  // format1 … format20 in order (nullopt where absent).
  std::array<const std::optional<std::string>*, kFormatMax> formats() const {
    return {
        &format1,  &format2,  &format3,  &format4,  &format5,  &format6,  &format7,
        &format8,  &format9,  &format10, &format11, &format12, &format13, &format14,
        &format15, &format16, &format17, &format18, &format19, &format20,
    };
  }
  static void describe(config::Schema<Params>& s) {
    s.param("format_firstline", &Params::format_firstline)
        .help("/regexp/ that matches the first line of an event");
    s.param("unmatched_lines", &Params::unmatched_lines)
        .help("set by in_tail from emit_unmatched_lines");
    s.param("format1", &Params::format1).help("part 1 of the event regexp, written /…/");
    s.param("format2", &Params::format2).help("part 2 of the event regexp, written /…/");
    s.param("format3", &Params::format3).help("part 3 of the event regexp, written /…/");
    s.param("format4", &Params::format4).help("part 4 of the event regexp, written /…/");
    s.param("format5", &Params::format5).help("part 5 of the event regexp, written /…/");
    s.param("format6", &Params::format6).help("part 6 of the event regexp, written /…/");
    s.param("format7", &Params::format7).help("part 7 of the event regexp, written /…/");
    s.param("format8", &Params::format8).help("part 8 of the event regexp, written /…/");
    s.param("format9", &Params::format9).help("part 9 of the event regexp, written /…/");
    s.param("format10", &Params::format10).help("part 10 of the event regexp, written /…/");
    s.param("format11", &Params::format11).help("part 11 of the event regexp, written /…/");
    s.param("format12", &Params::format12).help("part 12 of the event regexp, written /…/");
    s.param("format13", &Params::format13).help("part 13 of the event regexp, written /…/");
    s.param("format14", &Params::format14).help("part 14 of the event regexp, written /…/");
    s.param("format15", &Params::format15).help("part 15 of the event regexp, written /…/");
    s.param("format16", &Params::format16).help("part 16 of the event regexp, written /…/");
    s.param("format17", &Params::format17).help("part 17 of the event regexp, written /…/");
    s.param("format18", &Params::format18).help("part 18 of the event regexp, written /…/");
    s.param("format19", &Params::format19).help("part 19 of the event regexp, written /…/");
    s.param("format20", &Params::format20).help("part 20 of the event regexp, written /…/");
    describe_parser_common(s);
    s.validate([](const Params& p, const config::Element& e, config::BindContext& ctx) {
      parser_detail::validate_common(p, e, ctx, false);
      validate_multiline(p, e, ctx);
    });
  }
  static void validate_multiline(const Params& p, const config::Element& e,
                                 config::BindContext& ctx);
};

}  // namespace shipper::parser_multiline
