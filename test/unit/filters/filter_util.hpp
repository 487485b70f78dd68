#pragma once
// Builds filters the way the engine does: an element tree bound through the registry.
#include <stdlib.h>
#include <time.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "config/element.hpp"
#include "engine/registry.hpp"

namespace shipper::test {

using KV = std::vector<std::pair<std::string, std::string>>;

inline config::Element element(std::string name, const KV& params,
                               std::vector<config::Element> children = {}) {
  config::Element e;
  e.name = std::move(name);
  e.loc = {"test.conf", 1, 1};
  int line = 2;
  for (const auto& [k, v] : params) {
    config::Param p;
    p.key = k;
    p.value = v;
    p.key_loc = {"test.conf", line, 3};
    p.value_loc = {"test.conf", line, static_cast<int>(4 + k.size())};
    ++line;
    e.params.push_back(std::move(p));
  }
  e.children = std::move(children);
  return e;
}

// Captures @ERROR events.
struct ErrorCapture : EventRouter {
  std::vector<EventBatch> batches;
  Status emit(EventBatch& b) override {
    batches.push_back(b);
    return Status::ok();
  }
  size_t count() const {
    size_t n = 0;
    for (const auto& b : batches) n += b.count;
    return n;
  }
};

// The registry with every built-in plugin (the parser filter builds its <parse> through it).
inline Registry& filter_registry() {
  return Registry::builtin();
}

struct Built {
  std::unique_ptr<config::Element> elem;  // must outlive the filter
  std::unique_ptr<PluginContext> ctx;
  std::unique_ptr<Filter> filter;
  config::Diagnostics diags;
  ErrorCapture errors;
};

inline std::unique_ptr<Built> make_filter(const std::string& type, config::Element e,
                                          Registry* registry = nullptr) {
  setenv("TZ", "UTC", 1);
  tzset();
  auto b = std::make_unique<Built>();
  b->elem = std::make_unique<config::Element>(std::move(e));
  b->elem->name = "filter";
  b->ctx = std::make_unique<PluginContext>();
  b->ctx->type = type;
  b->ctx->kind = config::PluginKind::kFilter;
  b->ctx->element = b->elem.get();
  b->ctx->error_router = &b->errors;
  b->ctx->registry = registry ? registry : &filter_registry();
  config::BindContext bind;
  bind.diags = &b->diags;
  auto p = b->ctx->registry->create(*b->ctx, bind);
  if (p) b->filter.reset(dynamic_cast<Filter*>(p.release()));
  return b;
}

}  // namespace shipper::test
