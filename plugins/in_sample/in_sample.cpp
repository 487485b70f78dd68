// in_sample (alias dummy): generates the `sample` records at `rate` events a second, as Fluentd's
// sample input does: each second is cut in 10 bins of rate/10 emits, and the remainder is
// emitted at the end of the second. With size > 1 each emit carries `size` events.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <future>
#include <optional>

#include "config/schema.hpp"
#include "engine/registry.hpp"
#include "plugins/in_sample/sample_records.hpp"

namespace shipper::in_sample {

struct Params {
  std::string tag;
  int64_t size = 1;
  int64_t rate = 1;
  std::optional<std::string> auto_increment_key;
  bool suspend = false;
  std::string sample = R"([{"message":"sample"}])";
  static void describe(config::Schema<Params>& s) {
    s.param("tag", &Params::tag).required().help("the tag of the generated events");
    s.param("size", &Params::size).help("events in each emitted stream");
    s.param("rate", &Params::rate).help("emits per second");
    s.param("auto_increment_key", &Params::auto_increment_key)
        .help("add this key with a counter starting at 0");
    s.param("suspend", &Params::suspend).deprecated("This parameters is ignored");
    s.param("sample", &Params::sample)
        .alias("dummy")
        .default_text(R"([{"message"=>"sample"}])")
        .help("a JSON object or an array of objects, used in turn");
    s.validate([](const Params& p, const config::Element& e, config::BindContext& ctx) {
      std::vector<SampleRecord> records;
      std::string error;
      if (!parse_sample(p.sample, records, error) && ctx.diags) {
        const config::Param* raw = e.find("sample");
        if (!raw) raw = e.find("dummy");
        ctx.diags->error(raw ? raw->value_loc : e.loc, "invalid-value", error,
                         "write a JSON object or an array of JSON objects");
      }
    });
  }
};

class SampleInput : public Input {
 public:
  using Params = in_sample::Params;
  SampleInput(Params p, PluginContext& ctx)
      : p_(std::move(p)), router_(ctx.router), io_(ctx.io), log_(ctx.log) {
    std::string error;
    parse_sample(p_.sample, records_, error);  // validated in describe
    if (records_.empty()) records_.push_back({});
    if (p_.size < 1) p_.size = 1;
  }

  Status start() override {
    if (!io_ || !router_) return error(StatusCode::kInternal, "sample input has no event loop");
    timer_.emplace(*io_);
    next_ = std::chrono::steady_clock::now();
    boost::asio::post(*io_, [this] { schedule(); });
    return Status::ok();
  }

  void stop() override {
    if (!timer_ || stopped_) return;
    // The timer lives on the I/O thread; cancel it there and wait, so no emit runs after stop().
    std::promise<void> done;
    auto fut = done.get_future();
    boost::asio::post(*io_, [this, &done] {
      stopped_ = true;
      timer_->cancel();
      done.set_value();
    });
    if (fut.wait_for(std::chrono::seconds(5)) != std::future_status::ready) stopped_ = true;
  }

 private:
  static constexpr int kBins = 10;

  void schedule() {
    if (stopped_) return;
    next_ += std::chrono::milliseconds(1000 / kBins);
    // After a long stall (back-pressure), resume the pace instead of bursting to catch up.
    auto now = std::chrono::steady_clock::now();
    if (next_ < now - std::chrono::seconds(1)) next_ = now;
    timer_->expires_at(next_);
    timer_->async_wait([this](const boost::system::error_code& ec) {
      if (ec || stopped_) return;
      tick();
      schedule();
    });
  }

  void tick() {
    int64_t batch_num = p_.rate / kBins;
    int64_t residual = p_.rate % kBins;
    emit(batch_num);
    if (++bin_ == kBins) {
      bin_ = 0;
      emit(residual);
    }
  }

  void emit(int64_t num) {
    if (num <= 0) return;
    EventBatch batch;
    batch.tag = p_.tag;
    // Fluentd emits `num` streams of `size` events; events of one tick go out together.
    for (int64_t i = 0; i < num * p_.size; ++i) {
      size_t mark = batch.begin_entry(EventTime::now());
      MsgpackWriter w(batch.entries);
      write_record(w);
      (void)mark;
      batch.commit_entry();
    }
    Status s = router_->emit(batch);
    if (!s) log_.debug("emit failed: " + s.message());  // Fluentd ignores emit errors here
  }

  void write_record(MsgpackWriter& w) {
    if (index_ >= records_.size()) index_ = 0;
    const SampleRecord& rec = records_[index_++];
    if (!p_.auto_increment_key) {
      w.map_header(static_cast<uint32_t>(rec.entries.size()));
      for (const auto& [k, v] : rec.entries) {
        w.raw(k);
        w.raw(v);
      }
      return;
    }
    const std::string& key = *p_.auto_increment_key;
    bool present = false;
    for (const auto& k : rec.keys) present = present || k == key;
    w.map_header(static_cast<uint32_t>(rec.entries.size() + (present ? 0 : 1)));
    for (size_t i = 0; i < rec.entries.size(); ++i) {
      w.raw(rec.entries[i].first);
      if (rec.keys[i] == key)
        w.integer(counter_);
      else
        w.raw(rec.entries[i].second);
    }
    if (!present) {
      w.str(key);
      w.integer(counter_);
    }
    ++counter_;
  }

  Params p_;
  EventRouter* router_;
  boost::asio::io_context* io_;
  Logger log_;
  std::vector<SampleRecord> records_;
  size_t index_ = 0;
  int64_t counter_ = 0;
  int bin_ = 0;
  std::atomic<bool> stopped_{false};
  std::optional<boost::asio::steady_timer> timer_;
  std::chrono::steady_clock::time_point next_;
};

}  // namespace shipper::in_sample

namespace shipper {
void register_plugin_in_sample(Registry& registry) {
  registry.add<in_sample::SampleInput>(config::PluginKind::kInput, "sample",
                                       "generates sample events at a fixed rate");
  registry.add<in_sample::SampleInput>(config::PluginKind::kInput, "dummy", "old name of sample");
}
}  // namespace shipper
