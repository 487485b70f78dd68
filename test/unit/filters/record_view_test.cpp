#include <catch2/catch.hpp>

#include "core/map_appendix.hpp"
#include "core/record_accessor.hpp"
#include "core/record_view.hpp"
#include "test_util.hpp"

using namespace shipper;
using shipper::test::js;
using shipper::test::mp;
using shipper::test::view;

TEST_CASE("mp_skip measures every msgpack shape and rejects truncation") {
  std::string r = mp(R"({"a":1,"b":[1,2,{"c":null}],"d":"x","e":-5,"f":1.5,"g":true,"h":{}})");
  CHECK(mp_skip(r) == r.size());
  for (size_t n = 0; n < r.size(); ++n) CHECK(mp_skip(std::string_view(r).substr(0, n)) == 0);
  std::string big(70000, 'x');
  std::string s;
  mp_write_str(s, big);
  CHECK(mp_skip(s) == s.size());
  // A map claiming more pairs than bytes left is malformed, not a long loop.
  std::string bogus = "\xdf\xff\xff\xff\xff";
  CHECK(mp_skip(bogus) == 0);
}

TEST_CASE("MapView iterates and finds keys without copying") {
  std::string r = mp(R"({"log":"hi\n","stream":"stdout","n":42})");
  MpValue m = view(r);
  REQUIRE(m.is_map());
  CHECK(m.count == 3);
  MapView it(m);
  MpValue k, v;
  std::vector<std::string> keys;
  while (it.next(k, v)) keys.emplace_back(k.data);
  CHECK(keys == std::vector<std::string>{"log", "stream", "n"});
  MpValue n = MapView::find(m, "n");
  REQUIRE(n.type == MpType::kInt);
  CHECK(n.integer == 42);
  CHECK_FALSE(MapView::find(m, "nope").valid());
  CHECK(MapView::find(m, "log").data == "hi\n");
}

TEST_CASE("MapAppendix adds its pairs in place, also across the fixmap limit") {
  MapAppendix appendix;
  appendix.add_string("b", "x");
  std::string buffer = "head";  // the map is the last thing in a buffer
  buffer += mp(R"({"a":1})");
  REQUIRE(appendix.apply_to_tail(buffer, 4));
  CHECK(buffer.substr(0, 4) == "head");
  CHECK(js(buffer.substr(4)) == R"({"a":1,"b":"x"})");

  std::string wide =
      "head" +
      mp(R"({"k0":0,"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9,"k10":10,"k11":11,"k12":12,"k13":13,"k14":14})");
  REQUIRE(appendix.apply_to_tail(wide, 4));
  CHECK(static_cast<unsigned char>(wide[4]) == 0xde);
  CHECK(view(wide.substr(4)).count == 16);
  CHECK(js(wide.substr(4)).substr(js(wide.substr(4)).size() - 8) == R"("b":"x"})");
  CHECK(mp_skip(std::string_view(wide).substr(4)) == wide.size() - 4);

  std::string not_map = "head" + mp(R"([1,2])");
  CHECK_FALSE(appendix.apply_to_tail(not_map, 4));
  CHECK(not_map == "head" + mp(R"([1,2])"));
}

TEST_CASE("MapAppendix: present keys are overwritten in place or kept; a key added twice") {
  std::string one, two;
  mp_write_int(one, 1);
  mp_write_int(two, 2);
  MapAppendix overwrite;
  overwrite.add("n", one);
  overwrite.add("new", one);
  overwrite.add("n", two);  // first place, last value
  CHECK(overwrite.size() == 2);
  std::string absent = mp(R"({"a":"x"})");
  REQUIRE(overwrite.apply_to_tail(absent, 0));
  CHECK(js(absent) == R"({"a":"x","n":2,"new":1})");
  std::string present = mp(R"({"n":"old","a":"x"})");
  REQUIRE(overwrite.apply_to_tail(present, 0));
  CHECK(js(present) == R"({"n":2,"a":"x","new":1})");

  MapAppendix keep(MapAppendix::OnPresent::kKeep);
  keep.add("n", two);
  keep.add("new", one);
  std::string kept = mp(R"({"n":"old","a":"x"})");
  REQUIRE(keep.apply_to_tail(kept, 0));
  CHECK(js(kept) == R"({"n":"old","a":"x","new":1})");
  std::string all_present = mp(R"({"new":0,"n":0})");
  REQUIRE(keep.apply_to_tail(all_present, 0));
  CHECK(js(all_present) == R"({"new":0,"n":0})");

  // Nothing to add leaves the record as it is; truncated bytes are refused.
  MapAppendix none;
  std::string r = mp(R"({"a":[1,{"b":2}]})");
  REQUIRE(none.apply_to_tail(r, 0));
  CHECK(js(r) == R"({"a":[1,{"b":2}]})");
  std::string cut = r.substr(0, r.size() - 1);
  CHECK_FALSE(overwrite.apply_to_tail(cut, 0));
  CHECK(cut == r.substr(0, r.size() - 1));
}

TEST_CASE("rewrite_map overwrites in place, appends new keys, removes") {
  std::string r = mp(R"({"message":"hello","count":5,"obj":{"k":"v"}})");
  std::string v1, v2, v3;
  mp_write_str(v1, "over");
  mp_write_int(v2, 7);
  mp_write_str(v3, "later");
  FieldSet set[] = {{"message", v1}, {"added", v2}, {"added", v3}};
  std::string_view remove[] = {"count"};
  std::string out;
  rewrite_map(view(r), set, remove, out);
  CHECK(js(out) == R"({"message":"over","obj":{"k":"v"},"added":"later"})");
}

TEST_CASE("Ruby to_s and inspect of record values") {
  auto to_s = [](std::string_view json) {
    std::string out;
    append_ruby_to_s(view(mp(json)), out);
    return out;
  };
  CHECK(to_s(R"("text")") == "text");
  CHECK(to_s("5") == "5");
  CHECK(to_s("-12") == "-12");
  CHECK(to_s("1.5") == "1.5");
  CHECK(to_s("1e20") == "1.0e+20");
  CHECK(to_s("100.0") == "100.0");
  CHECK(to_s("null") == "");
  CHECK(to_s("true") == "true");
  CHECK(to_s(R"({"k":"v","n":[1,null,"a\"b"]})") == R"({"k"=>"v", "n"=>[1, nil, "a\"b"]})");
  CHECK(to_s("[]") == "[]");
  CHECK(to_s(R"("日本語 ✓")") == "日本語 ✓");
}

TEST_CASE("record accessor parses Fluentd's path forms") {
  auto steps = [](std::string_view p) {
    auto r = RecordAccessor::parse(p);
    REQUIRE(r.is_ok());
    std::string out;
    for (const auto& s : r->steps())
      out += s.is_index ? "[" + std::to_string(s.index) + "]" : "<" + s.key + ">";
    return out;
  };
  CHECK(steps("log") == "<log>");
  CHECK(steps("a.b") == "<a.b>");  // plain key: the dot is part of the name
  CHECK(steps("$.log") == "<log>");
  CHECK(steps("$.kubernetes.labels.app") == "<kubernetes><labels><app>");
  CHECK(steps("$.a[0].b") == "<a>[0]<b>");
  CHECK(steps("$.a[1][-1]") == "<a>[1][-1]");
  CHECK(steps("$['key.with.dots']['x']") == "<key.with.dots><x>");
  CHECK(steps("$[\"sp ace\"][0]") == "<sp ace>[0]");
  CHECK(steps("$[0]") == "[0]");

  CHECK(RecordAccessor::parse("$.a b").status().message() ==
        "whitespace character is not allowed in dot notation. Use bracket notation: a b");
  CHECK(RecordAccessor::parse("$.a[x]").status().message() ==
        "missing array index in '[]'. Invalid syntax: $.a[x]");
  CHECK(RecordAccessor::parse("$.a[0").status().message() ==
        "'[' found but ']' not found. Invalid syntax: $.a[0");
  CHECK(RecordAccessor::parse("$['a\"]").status().message() ==
        "Mismatched quotes. Invalid syntax: $['a\"]");
  CHECK_FALSE(RecordAccessor::parse("$.").is_ok());
  CHECK_FALSE(RecordAccessor::parse("$.a[0]x").is_ok());
}

TEST_CASE("record accessor reads nested values with Ruby dig semantics") {
  std::string r = mp(R"({"a":{"b":[10,{"c":"deep"}],"s":"str"},"n":null,"key.with.dots":1})");
  MpValue rec = view(r);
  auto get = [&](std::string_view path, MpValue& out) {
    return RecordAccessor::parse(path)->get(rec, out);
  };
  MpValue v;
  REQUIRE(get("$.a.b[1].c", v) == RecordAccessor::Lookup::kFound);
  CHECK(v.data == "deep");
  REQUIRE(get("$.a.b[-2]", v) == RecordAccessor::Lookup::kFound);
  CHECK(v.integer == 10);
  CHECK(get("$['key.with.dots']", v) == RecordAccessor::Lookup::kFound);
  CHECK(get("key.with.dots", v) == RecordAccessor::Lookup::kFound);
  CHECK(get("$.a.b[5]", v) == RecordAccessor::Lookup::kMissing);
  CHECK(get("$.missing.x", v) == RecordAccessor::Lookup::kMissing);
  CHECK(get("$.n.x", v) == RecordAccessor::Lookup::kMissing);   // dig stops at nil
  CHECK(get("$.a.s.x", v) == RecordAccessor::Lookup::kError);   // into a string
  CHECK(get("$.a.b.x", v) == RecordAccessor::Lookup::kError);   // string index on array
  CHECK(get("$.a[0]", v) == RecordAccessor::Lookup::kMissing);  // integer key on a map
}

TEST_CASE("record accessor deletes nested keys and array elements") {
  std::string r = mp(R"({"a":{"b":[10,{"c":"deep","d":1}],"s":"str"},"top":1})");
  MpValue rec = view(r);
  auto del = [&](std::string_view path) {
    std::string out;
    if (!RecordAccessor::parse(path)->remove(rec, out)) return std::string("unchanged");
    return js(out);
  };
  CHECK(del("top") == R"({"a":{"b":[10,{"c":"deep","d":1}],"s":"str"}})");
  CHECK(del("$.a.b[1].c") == R"({"a":{"b":[10,{"d":1}],"s":"str"},"top":1})");
  CHECK(del("$.a.b[0]") == R"({"a":{"b":[{"c":"deep","d":1}],"s":"str"},"top":1})");
  CHECK(del("$.a.b[-1]") == R"({"a":{"b":[10],"s":"str"},"top":1})");
  CHECK(del("$.a.s.x") == "unchanged");
  CHECK(del("$.nope.x") == "unchanged");
  CHECK(del("nope") == "unchanged");
}
