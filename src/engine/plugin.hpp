#pragma once
// Plugin interfaces. A plugin is created (configured) from its element, then started, stopped,
// shut down and closed, as Fluentd's lifecycle goes. Creating one must not touch files or
// sockets: `--dry-run` creates every plugin and starts none.
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "config/element.hpp"
#include "config/plugin_kind.hpp"
#include "core/event_batch.hpp"
#include "core/map_appendix.hpp"
#include "core/status.hpp"
#include "engine/log.hpp"
#include "engine/plugin_report.hpp"
#include "engine/record_steps.hpp"

namespace boost::asio {
class io_context;
}

namespace shipper {

class Registry;

// Where events go. emit() is synchronous: when it returns ok, every output that takes the
// events has committed them to its buffer (for a file buffer: written to the chunk file), so an
// input may then move its read position past them. kBufferFull means back-pressure: nothing
// needs to be undone, the caller retries later.
class EventRouter {
 public:
  virtual ~EventRouter() = default;
  virtual Status emit(EventBatch& batch) = 0;
  // The steps a producer of batches with `tag` may apply to each record as it writes it (see
  // RecordSteps); it then sets batch.applied. Fetched for each batch, as a filter works out its
  // pairs for each batch.
  virtual void record_steps(std::string_view /*tag*/, RecordSteps& out) { out.clear(); }
};

// Process-wide settings from <system> and the command line that plugins read.
struct SystemSettings {
  std::string root_dir;
  bool strict_config_value = false;
  std::string file_permission = "0644";
  std::string dir_permission = "0755";
  int workers = 1;
};

struct PluginContext {
  std::string id;  // @id, or a generated "object:<hex>"
  bool has_explicit_id = false;
  std::string type;  // @type
  config::PluginKind kind = config::PluginKind::kInput;
  const config::Element* element = nullptr;
  Logger log;                             // "[id] " prefix when @id was given; @log_level
  EventRouter* router = nullptr;          // inputs and re-emitting outputs: where to emit
  EventRouter* error_router = nullptr;    // @ERROR, or null (then errors are only logged)
  Registry* registry = nullptr;           // to create sub-plugins (<parse>, <format>, <buffer>)
  boost::asio::io_context* io = nullptr;  // the engine's I/O context
  // The engine's worker pool (as many threads as cores) for CPU work such as parsing; handlers
  // posted here may run in parallel. Null in --dry-run and in tests that do not provide one.
  boost::asio::io_context* worker_io = nullptr;
  const SystemSettings* system = nullptr;
  bool dry_run = false;
  // Resolves `@label NAME` for plugins that re-emit into a label (relabel, copy's stores).
  std::function<EventRouter*(const std::string& label)> label_router;
  // Every plugin of the pipeline (complete by the time start() runs), for monitoring inputs.
  const PluginDirectory* directory = nullptr;
};

class Plugin {
 public:
  virtual ~Plugin() = default;
  virtual Status start() { return Status::ok(); }
  virtual void stop() {}      // stop taking new work (inputs stop reading)
  virtual void shutdown() {}  // finish work in hand (outputs flush per flush_at_shutdown)
  virtual void close() {}     // release files and sockets
  // Monitoring: fills counters and state (see plugin_report.hpp). Called from any thread.
  virtual void report(PluginReport&) const {}
};

class Input : public Plugin {};

class Filter : public Plugin {
 public:
  enum class Outcome {
    kUnchanged,  // `in` passes on as it is; `out` was not touched
    kReplaced,   // the filtered events are in `out` (possibly none: all dropped)
  };
  virtual Outcome filter(const EventBatch& in, EventBatch& out) = 0;
  // A filter whose whole effect on every record of a batch with `tag` is to add the same pairs
  // (replacing the values of keys a record has) fills `out` and returns true; a producer may
  // then add them as it writes each record, and the router skips this filter for its batches.
  virtual bool appendix_for(std::string_view /*tag*/, MapAppendix& /*out*/) { return false; }

  // Fluentd's filter statistics: the events that left the filter, counted by the router once
  // per batch. A filter that reports more calls this base version too.
  void count_passed(const EventBatch& passed) {
    emit_records_.add(passed.count);
    emit_size_.add(passed.entries.size());
  }
  void report(PluginReport& r) const override {
    r.set("emit_records", static_cast<double>(emit_records_.get()));
    r.set("emit_size", static_cast<double>(emit_size_.get()));
  }

 private:
  Counter emit_records_, emit_size_;
};

class Output : public Plugin {
 public:
  // Takes the events: synchronous commit (see EventRouter). Called from several threads.
  virtual Status emit(const EventBatch& batch) = 0;
  // The same, from a caller that gives up the batch's bytes: on success the output may have
  // taken batch.entries' storage (it is then empty, with other storage in it to reuse). Only the
  // router calls this, for a batch it was handed as its own.
  virtual Status emit_taking(EventBatch& batch) { return emit(batch); }
  // SIGUSR1: enqueue and flush every buffered chunk now.
  virtual void flush_all() {}

  // Fluentd's emit statistics, counted by the router once per accepted batch. Outputs that
  // report more (buffered ones) call this base version too.
  void count_taken(uint64_t records, uint64_t bytes) {
    emit_count_.add();
    emit_records_.add(records);
    emit_size_.add(bytes);
  }
  void report(PluginReport& r) const override {
    r.set("emit_records", static_cast<double>(emit_records_.get()));
    r.set("emit_size", static_cast<double>(emit_size_.get()));
    r.set("emit_count", static_cast<double>(emit_count_.get()));
  }

 private:
  Counter emit_count_, emit_records_, emit_size_;
};

struct ParseResult {
  enum class Code { kOk, kNotMatched, kInvalidTime };
  Code code = Code::kOk;
  bool has_time = false;          // false: the caller stamps the event with the current time
  std::string error;              // for kNotMatched / kInvalidTime: Fluentd's message text
  bool appendix_applied = false;  // the sink's record_appendix() is already in the record
};

class Parser : public Plugin {
 public:
  // Parses one line (or joined multi-line text) into exactly one msgpack map written to
  // `record`, and the event time into `time` when the text carries one. On failure nothing
  // usable is left in `record` (the caller rolls back).
  virtual ParseResult parse(std::string_view text, EventTime& time, MsgpackWriter& record) = 0;

  // Receives every result of one text when it may yield several (a JSON array, a multiline
  // text with several matches). kOk results carry a record; others none.
  class Sink {
   public:
    virtual ~Sink() = default;
    virtual MsgpackWriter& record_writer() = 0;  // where the next record is written
    virtual void on_result(const ParseResult& result, EventTime time) = 0;
    // Pairs the sink adds to every record (in_tail: path_key and the pairs of the filters it
    // applies). A parser that knows its record's keys may append them itself before closing
    // the map, when the record has none of their keys, and set appendix_applied: that saves
    // the sink a second pass over the record.
    virtual const MapAppendix* record_appendix() const { return nullptr; }
  };
  // Parses `text` into zero or more results. The default gives parse()'s one result.
  virtual void parse_all(std::string_view text, Sink& sink) {
    EventTime time;
    MsgpackWriter& w = sink.record_writer();
    ParseResult r = parse(text, time, w);
    sink.on_result(r, time);
  }
  // parse_all() for a text followed by at least `readable_after` bytes of readable memory that
  // are not part of it. A parser whose engine reads past the end (simdjson reads up to 64
  // bytes further) then parses the text where it lies instead of copying it first.
  virtual void parse_all_in_place(std::string_view text, size_t readable_after, Sink& sink) {
    parse_all(text, sink);
  }

  // Container runtimes cut long lines into pieces (CRI `P` lines, docker json-file 16 KiB
  // entries). A parser configured to join them (cri `merge_cri_partial`, json
  // `merge_docker_partial`) describes each line here: `partial` when more pieces follow, and
  // the byte range of its content, so the reader can join the contents into the final piece.
  struct LinePiece {
    bool partial = false;
    size_t content_begin = 0;
    size_t content_end = 0;
  };
  virtual bool joins_partial_lines() const { return false; }
  virtual bool describe_piece(std::string_view line, LinePiece& piece) const { return false; }

  // Multiline parsers (in_tail's multiline mode): whether a line starts a new event.
  virtual bool has_firstline() const { return false; }
  virtual bool is_firstline(std::string_view line) const { return false; }
};

class Formatter : public Plugin {
 public:
  // Appends the formatted event to `out` (with its trailing newline where the format has one).
  virtual void format(std::string_view tag, EventTime time, std::string_view record_msgpack,
                      std::string& out) = 0;
};

}  // namespace shipper
