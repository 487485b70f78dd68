#include "engine/error_event.hpp"

#include "core/record_json.hpp"

namespace shipper {

void emit_error_event(const PluginContext& ctx, std::string_view tag, EventTime time,
                      std::string_view record_msgpack, std::string_view error) {
  std::string info = kv("error", error) + " location=nil" + kv("tag", tag) +
                     kv("time", static_cast<int64_t>(time.sec));
  if (ctx.error_router) {
    ctx.log.warn("send an error event to @ERROR:" + info);
    EventBatch batch;
    batch.tag = std::string(tag);
    batch.append(time, record_msgpack);
    Status s = ctx.error_router->emit(batch);
    if (!s) ctx.log.warn("emit transaction failed:" + kv("error", s.message()) + kv("tag", tag));
    return;
  }
  std::string record;
  if (!append_msgpack_as_json(record_msgpack, record)) record = "(malformed)";
  ctx.log.warn("dump an error event:" + info + " record=" + record);
}

}  // namespace shipper
