#include "serve/api.hpp"

#include <algorithm>
#include <cmath>
#include <exception>

#include <fmt/format.h>

#include "engine/app/check.hpp"
#include "engine/app/diff.hpp"
#include "engine/app/loophole.hpp"
#include "engine/app/overrides.hpp"
#include "engine/app/plot.hpp"
#include "engine/app/sweep.hpp"
#include "engine/base/json.hpp"
#include "engine/report/chart.hpp"
#include "engine/report/chip_report.hpp"
#include "engine/report/decision_report.hpp"
#include "engine/report/diff_report.hpp"
#include "engine/report/loophole_report.hpp"
#include "engine/report/regime_report.hpp"
#include "engine/report/sweep_report.hpp"

namespace exctl::serve {
namespace {

using Json = nlohmann::ordered_json;

// A request refused: its diagnostics, as the CLI's --format json writes them on stderr.
struct Refused {
  int status;
  DiagnosticSink sink;
};

Response json_response(const Json& j, int status = 200) {
  return {status, "application/json", dump_json(j)};
}

Response diagnostics_response(int status, const DiagnosticSink& sink) {
  Json j;
  j["version"] = 1;
  j["diagnostics"] = to_json(sink);
  return json_response(j, status);
}

// The deepest nesting of arrays and objects, outside strings: checked before parsing so
// that a body of 60,000 '[' costs a scan, not a parser's stack.
int json_depth(const std::string& text) {
  int depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped)
        escaped = false;
      else if (c == '\\')
        escaped = true;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    if (c == '[' || c == '{') deepest = std::max(deepest, ++depth);
    if (c == ']' || c == '}') --depth;
  }
  return deepest;
}

// What every POST body says: the regime, the query, the parameters as the sliders set them.
struct Query {
  std::string regime;
  app::Given to, hq, date;
  std::vector<std::string> params;  // "NAME=VALUE"
  std::string moving;               // the parameter being moved: its breakpoints
  std::string chip;                 // for /api/explain
  std::string kind;                 // for /api/chart: tpp-pd or bandwidth
};

bool refuse(DiagnosticSink& sink, const std::string& code, const std::string& message,
            std::vector<std::string> notes = {}) {
  sink.report({Severity::error, code, message, {}, std::move(notes)});
  return false;
}

bool read_query(const std::string& body, Query& q, DiagnosticSink& sink) {
  if (body.size() > kMaxBodyBytes)
    return refuse(
        sink, "E0901",
        fmt::format("the request body is {} bytes; at most {}", body.size(), kMaxBodyBytes));
  if (json_depth(body) > kMaxJsonDepth)
    return refuse(sink, "E0902",
                  fmt::format("the request nests more than {} levels deep", kMaxJsonDepth));
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(body.empty() ? "{}" : body);
  } catch (const nlohmann::json::exception& e) {
    // nlohmann's message names the byte; invalid UTF-8 in a string lands here too.
    return refuse(sink, "E0902", fmt::format("the request is not valid JSON: {}", e.what()));
  }
  if (!j.is_object()) return refuse(sink, "E0902", "the request must be a JSON object");
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& key = it.key();
    const auto& v = it.value();
    auto text = [&](std::string& out) {
      if (!v.is_string()) return refuse(sink, "E0904", fmt::format("'{}' must be a string", key));
      out = v.get<std::string>();
      return true;
    };
    auto given = [&](app::Given& out) {
      out.given = true;
      return text(out.text);
    };
    bool ok = true;
    if (key == "regime")
      ok = text(q.regime);
    else if (key == "to")
      ok = given(q.to);
    else if (key == "hq")
      ok = given(q.hq);
    else if (key == "date")
      ok = given(q.date);
    else if (key == "moving")
      ok = text(q.moving);
    else if (key == "chip")
      ok = text(q.chip);
    else if (key == "kind")
      ok = text(q.kind);
    else if (key == "params") {
      if (!v.is_object()) {
        ok = refuse(sink, "E0904", "'params' must be an object of NAME: \"VALUE UNIT\"");
      } else if (v.size() > app::kMaxDraftParams) {
        ok = refuse(sink, "E0903",
                    fmt::format("{} parameters set: at most {}", v.size(), app::kMaxDraftParams));
      } else {
        for (auto p = v.begin(); p != v.end(); ++p) {
          if (p.value().is_string())
            q.params.push_back(p.key() + "=" + p.value().get<std::string>());
          else if (p.value().is_number_unsigned() || p.value().is_number_integer())
            q.params.push_back(p.key() + "=" + p.value().dump());
          else
            ok = refuse(
                sink, "E0904",
                fmt::format("parameter '{}' must be a string such as \"1400 GB/s\"", p.key()));
        }
      }
    } else {
      ok = refuse(sink, "E0904", fmt::format("unknown key '{}' in the request", key),
                  {"keys: regime, to, hq, date, params, moving, chip, kind"});
    }
    if (!ok) return false;
  }
  if (q.to.given && q.to.text.empty()) q.to = {};  // the page's "any destination"
  if (q.hq.given && q.hq.text.empty()) q.hq = {};
  if (q.date.given && q.date.text.empty()) q.date = {};
  if (q.regime.empty()) return refuse(sink, "E0904", "the request names no 'regime'");
  return true;
}

// The regime of the page: the base with the sliders' values, as one more regime.
std::string draft_id(const Query& q) {
  return "draft-" + q.regime;
}

struct Context {
  app::Session session;
  Query query;
};

// The slider of a parameter: from zero to four times its value (at least its value plus
// one unit), in round steps of about a 200th of that.
Json slider_json(const sema::Param& p) {
  Json s;
  double v = p.value.to_double();
  double hi = std::max(v * 4, v + 1);
  s["name"] = p.name;
  s["value"] = p.value.exact_text();
  s["unit"] = sema::dim_name(p.dim);
  s["text"] = eval::format_value(p.value, p.dim);
  s["min"] = 0;
  s["max"] = hi;
  s["step"] = std::pow(10.0, std::floor(std::log10(hi / 200)));
  return s;
}

// The diff record of `diffs`, made under the run's check.
Json diff_json(const Query& q, const app::CheckRun& run, const app::OutcomeDiffs& diffs) {
  const auto& regimes = run.check->request().regimes;
  report::DiffView view{regimes[0],   regimes[1], sema::date_text(run.check->date()),
                        q.to.text,    q.hq.text,  {},
                        diffs.counts, nullptr,    true};
  for (const auto& c : diffs.changed)
    view.chips.push_back({c.id, c.name, &c.diff});
  return report::diff_json(view);
}

// Every chip of the database under `regimes`, through the compiled form.
std::optional<app::CheckRun> checked_of(app::Session& session, const Query& q,
                                        std::vector<std::string> regimes) {
  app::CheckRequest r;
  r.regimes = std::move(regimes);
  r.to = q.to;
  r.hq = q.hq;
  r.date = q.date;
  r.compiled = true;
  r.all = true;
  return app::check_chips(session, r);
}

Json diff_of(app::Session& session, const Query& q, const std::string& after) {
  auto run = checked_of(session, q, {q.regime, after});
  if (!run) return nullptr;
  return diff_json(q, *run, app::diff_checked(*run));
}

Json breakpoints_of(app::Session& session, const Query& q, const std::string& regime,
                    const sema::Rulebook& book) {
  if (q.moving.empty()) return nullptr;
  const sema::Regime* r = book.find(q.regime);
  int p = r ? r->find_param(q.moving) : -1;
  if (p < 0) {
    session.sink.error("E0601",
                       fmt::format("regime '{}' declares no parameter '{}'", q.regime, q.moving));
    return nullptr;
  }
  Json slider = slider_json(r->params[static_cast<size_t>(p)]);
  std::string unit = slider["unit"].get<std::string>();
  auto bound = [&](double v) {
    return fmt::format("{}{}", static_cast<int64_t>(std::ceil(v)), unit.empty() ? "" : " " + unit);
  };
  app::SweepRequest s;
  s.regime = regime;
  s.params = {fmt::format("{}=0{}..{}", q.moving, unit.empty() ? "" : " " + unit,
                          bound(slider["max"].get<double>()))};
  s.to = q.to;
  s.hq = q.hq;
  s.date = q.date;
  auto result = app::sweep_regime(session, s);
  if (!result) return nullptr;
  const auto& req = result->check->request();
  report::SweepView view{result->regime->id,
                         sema::date_text(result->check->date()),
                         req.to.text,
                         req.hq.text,
                         &result->axes,
                         &result->ids,
                         &result->steps,
                         &result->breakpoints,
                         !req.to.text.empty() || !req.hq.text.empty()};
  return report::sweep_json(view, true);
}

Json decisions_of(app::Session& session, const Query& q, const std::string& regime, bool compiled) {
  app::CheckRequest r;
  r.regimes = {regime};
  r.to = q.to;
  r.hq = q.hq;
  r.date = q.date;
  r.compiled = compiled;
  if (!q.chip.empty())
    r.chips = {q.chip};
  else
    r.all = true;
  auto run = app::check_chips(session, r);
  if (!run) return nullptr;
  Json arr = Json::array();
  for (const auto& row : run->rows)
    arr.push_back(report::decision_json(row));
  return arr;
}

// An explained verdict: the --explain text beside the record of `check --format json`.
Json explain_of(app::Session& session, const Query& q, const std::string& regime) {
  app::CheckRequest r;
  r.regimes = {regime};
  r.to = q.to;
  r.hq = q.hq;
  r.date = q.date;
  r.chips = {q.chip};
  auto run = app::check_chips(session, r);
  if (!run || run->rows.empty()) return nullptr;
  const auto& s = run->subjects[run->subject_of_row[0]];
  report::ExplainContext ec{s.chip ? &*s.chip : nullptr, &s.values, session.options.describe(),
                            sema::date_text(run->check->date()), s.inference};
  Json j;
  j["record"] = report::decision_json(run->rows[0]);
  j["text"] = report::explain_text(run->rows[0], ec);
  return j;
}

// A chart of the regime as JSON text ({"svg": ...}); from `checked`'s rows when given,
// else deciding the chips anew. The SVG is copied into the text, not built as a value.
std::string chart_of(app::Session& session, const Query& q, const std::string& regime,
                     app::PlaneKind kind, const app::CheckRun* checked = nullptr) {
  app::PlaneRequest r;
  r.kind = kind;
  r.regimes = {regime};
  r.to = q.to;
  r.date = q.date;
  DiagnosticSink own;
  std::swap(own, session.sink);
  auto chart = checked ? app::plane_chart(session, r, *checked) : app::plane_chart(session, r);
  std::swap(own, session.sink);
  // A regime with nothing on this plane is not an error of the request: the page says so.
  JsonObjectText j;
  if (!chart) {
    j.member_text("svg", "null");
    j.member("diagnostics", to_json(own));
    return std::move(j).finish();
  }
  std::string svg;
  append_json_string(svg, report::plane_svg(*chart));
  j.member_text("svg", svg);
  return std::move(j).finish();
}

Json loophole_of(app::Session& session, const Query& q, const std::string& regime) {
  app::LoopholeRequest r;
  r.regimes = regime;
  r.to = q.to;
  r.hq = q.hq;
  r.date = q.date;
  if (!r.to.given && !r.hq.given)
    r.goal = "not-controlled";
  else
    r.goal = "no-licence";
  auto run = app::find_loophole(session, r);
  if (!run) return nullptr;
  return report::loophole_json(run->view);
}

}  // namespace

Response refusal(int status, const std::string& code, const std::string& message) {
  DiagnosticSink sink;
  sink.error(code, message);
  return diagnostics_response(status, sink);
}

std::unique_ptr<Api> Api::load(const ApiOptions& options, DiagnosticSink& sink) {
  std::unique_ptr<Api> api(new Api);
  api->options_ = options;
  app::Session session;
  session.db_path = options.db_path;
  session.rule_files = options.rule_files;
  session.interpret = options.interpret;
  if (!session.prepare()) {
    sink.merge(session.sink);
    return nullptr;
  }
  auto book = session.load_rule_files();
  auto chips = session.load_chips();
  sink.merge(session.sink);
  if (!book || !chips || sink.has_errors()) return nullptr;
  api->book_ = std::make_shared<const sema::Rulebook>(std::move(*book));
  api->chips_ = std::make_shared<const std::vector<Chip>>(std::move(*chips));
  return api;
}

Response Api::handle(const std::string& method, const std::string& path,
                     const std::string& body) const try {
  app::Session session;
  session.db_path = options_.db_path;
  session.rule_files = options_.rule_files;
  session.interpret = options_.interpret;
  session.rulebook_cache = book_;
  session.chips_cache = chips_;
  session.prepare();  // checked once at load

  if (method == "GET" && path == "/api/regimes") {
    Json arr = Json::array();
    for (const auto& r : book_->regimes) {
      Json j = report::regime_json(r);
      Json sliders = Json::array();
      for (const auto& p : r.params)
        sliders.push_back(slider_json(p));
      j["sliders"] = sliders;
      arr.push_back(j);
    }
    return json_response(arr);
  }
  if (method == "GET" && path == "/api/chips") {
    Json arr = Json::array();
    for (const auto& c : *chips_)
      arr.push_back(report::chip_to_json(c, compute_metrics(c, session.options), session.options));
    return json_response(arr);
  }
  static const char* const kPosts[] = {"/api/check",    "/api/diff",    "/api/breakpoints",
                                       "/api/loophole", "/api/explain", "/api/chart",
                                       "/api/draft",    "/api/evaluate"};
  bool known = std::find(std::begin(kPosts), std::end(kPosts), path) != std::end(kPosts);
  if (!known) return refusal(404, "E0905", fmt::format("no such API call: {} {}", method, path));
  if (method != "POST")
    return refusal(405, "E0905", fmt::format("{} takes POST with a JSON body", path));

  Query q;
  if (!read_query(body, q, session.sink)) return diagnostics_response(400, session.sink);
  const std::string draft = draft_id(q);
  // The draft and the query are checked once, up front: a bad one is the request's fault.
  // Built once, then shared by every call below without a copy.
  auto book = app::draft_book(*book_, {draft, q.regime, q.params}, session.sink);
  if (!book) return diagnostics_response(400, session.sink);
  session.rulebook_cache = std::make_shared<const sema::Rulebook>(std::move(*book));

  // As JSON text: the cached record is spliced into the response, not parsed again.
  auto cached_breakpoints = [&](app::Session& s, const Query& query, const std::string& id) {
    if (query.moving.empty()) return std::string("null");
    std::string key = fmt::format("{}\n{}\n{}\n{}\n{}", query.regime, query.to.text, query.hq.text,
                                  query.date.text, query.moving);
    for (const auto& p : query.params)
      if (p.rfind(query.moving + "=", 0) != 0) key += "\n" + p;
    {
      std::lock_guard lock(breakpoints_mutex_);
      if (auto it = breakpoints_.find(key); it != breakpoints_.end()) return it->second;
    }
    std::string found = dump_json(breakpoints_of(s, query, id, *book_));
    if (!s.sink.has_errors()) {
      std::lock_guard lock(breakpoints_mutex_);
      if (breakpoints_.size() >= kMaxCachedBreakpoints) breakpoints_.clear();
      breakpoints_.emplace(key, found);
    }
    return found;
  };

  Json out;
  if (path == "/api/draft") {
    auto text = app::param_draft_rules(*book_, {draft, q.regime, q.params}, session.sink);
    if (!text) return diagnostics_response(400, session.sink);
    return {200, "text/plain; charset=utf-8", *text};
  }
  if (path == "/api/check") out = decisions_of(session, q, draft, true);
  if (path == "/api/diff") out = diff_of(session, q, draft);
  auto text_response = [&](std::string text) {
    if (session.sink.has_errors()) return diagnostics_response(400, session.sink);
    return Response{200, "application/json", std::move(text)};
  };
  if (path == "/api/breakpoints") return text_response(cached_breakpoints(session, q, draft));
  if (path == "/api/loophole") out = loophole_of(session, q, draft);
  if (path == "/api/explain") {
    if (q.chip.empty()) {
      session.sink.error("E0904", "/api/explain needs a 'chip'");
      return diagnostics_response(400, session.sink);
    }
    out = explain_of(session, q, draft);
  }
  if (path == "/api/chart") {
    if (q.kind != "tpp-pd" && q.kind != "bandwidth") {
      session.sink.error("E0904", "/api/chart needs 'kind': tpp-pd or bandwidth");
      return diagnostics_response(400, session.sink);
    }
    return text_response(
        chart_of(session, q, draft,
                 q.kind == "tpp-pd" ? app::PlaneKind::tpp_pd : app::PlaneKind::bandwidth));
  }
  if (path == "/api/evaluate") {
    // What the page redraws after a slider moves, in one round trip. Every chip is decided
    // once, under the base and the draft; the check, the diff and both charts are made
    // from those rows.
    auto run = checked_of(session, q, {q.regime, draft});
    if (!run) return diagnostics_response(400, session.sink);
    JsonObjectText response;
    response.member("version", 1);
    response.member("regime", q.regime);
    response.member("draft", draft);
    Json check = Json::array();
    for (const auto& row : run->rows)
      if (row.regime && row.regime->id == draft) check.push_back(report::decision_json(row));
    response.member("check", check);
    response.member("diff", diff_json(q, *run, app::diff_checked(*run)));
    response.member_text("breakpoints", cached_breakpoints(session, q, draft));
    JsonObjectText charts;
    charts.member_text("tpp_pd", chart_of(session, q, draft, app::PlaneKind::tpp_pd, &*run));
    charts.member_text("bandwidth", chart_of(session, q, draft, app::PlaneKind::bandwidth, &*run));
    response.member_text("charts", std::move(charts).finish());
    return text_response(std::move(response).finish());
  }
  if (session.sink.has_errors()) return diagnostics_response(400, session.sink);
  return json_response(out);
} catch (const std::exception& e) {
  DiagnosticSink sink;
  sink.error("E0906", fmt::format("internal error: {}", e.what()));
  return diagnostics_response(500, sink);
}

}  // namespace exctl::serve
