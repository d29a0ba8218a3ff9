#include "serve/server.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <deque>
#include <functional>
#include <httplib.h>
#include <mutex>
#include <ostream>
#include <pthread.h>
#include <sys/socket.h>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "serve/assets.hpp"

namespace exctl::serve {
namespace {

// Enough for 50 clients holding keep-alive connections at once: cpp-httplib keeps a
// connection on its thread between requests.
constexpr size_t kThreads = 64;
// Debian's cpp-httplib is a compiled library whose listen() backlog is 5: with more clients
// connecting at once the kernel drops their SYNs, and each retries after 1 s, then 3 s. So
// the socket is listened on again with room for every worker and more (Linux takes a second
// listen() on a listening socket as a new backlog).
constexpr int kBacklog = 256;

// API calls are computed by one worker per core, in the order they came; connection threads
// only read requests and write responses. With one thread per connection computing and more
// connections than cores, the kernel would share the cores among every request in flight:
// each takes as long as all of them together, and the unlucky ones far longer. A few fixed
// workers also keep their allocator caches and memory warm, which 64 threads taking turns
// did not: the same request cost a third more CPU in the server than in process.
class Workers {
 public:
  explicit Workers(unsigned count) {
    for (unsigned i = 0; i < std::max(count, 1u); ++i)
      threads_.emplace_back([this] { work(); });
  }
  ~Workers() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_all();
    for (auto& t : threads_)
      t.join();
  }
  // Runs `task` on a worker and waits for it.
  Response run(const std::function<Response()>& task) {
    Job job{task, {}, false, {}};
    std::unique_lock lock(mutex_);
    queue_.push_back(&job);
    ready_.notify_one();
    job.finished.wait(lock, [&] { return job.done; });
    return std::move(job.result);
  }

 private:
  struct Job {
    const std::function<Response()>& task;
    Response result;
    bool done;
    std::condition_variable finished;
  };
  void work() {
    std::unique_lock lock(mutex_);
    while (true) {
      ready_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, nothing left
      Job* job = queue_.front();
      queue_.pop_front();
      lock.unlock();
      Response r = job->task();  // Api::handle never throws
      lock.lock();
      job->result = std::move(r);
      job->done = true;
      job->finished.notify_one();
    }
  }
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Job*> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

bool host_matches(const std::string& header, const std::string& served, int port) {
  std::string with_port = fmt::format("{}:{}", served, port);
  if (header == with_port) return true;
  // The loopback names a browser may put in Host for the same socket.
  if (is_loopback(served))
    for (const char* alias : {"127.0.0.1", "localhost", "[::1]"})
      if (header == fmt::format("{}:{}", alias, port)) return true;
  return false;
}

void send(httplib::Response& res, Response r) {
  // set_content() copies the body; a response is up to 100 kB.
  res.status = r.status;
  res.body = std::move(r.body);
  res.headers.erase("Content-Type");
  res.set_header("Content-Type", r.content_type);
}

}  // namespace

bool is_loopback(const std::string& host) {
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

int run(const ServeOptions& options, DiagnosticSink& sink, std::ostream& out) {
  auto api = Api::load(options.api, sink);
  if (!api) return 2;

  // SIGINT and SIGTERM go to one thread that stops the server; blocked everywhere else
  // (set before any thread starts, so every thread inherits the mask).
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  httplib::Server server;
  server.new_task_queue = [] { return new httplib::ThreadPool(kThreads); };
  server.set_payload_max_length(kMaxBodyBytes);
  server.set_tcp_nodelay(true);  // a response in two writes must not wait for a delayed ACK
  server.set_keep_alive_timeout(30);
  server.set_keep_alive_max_count(100000);  // a page (or the bench) keeps its connection
  server.set_read_timeout(30, 0);
  server.set_write_timeout(30, 0);

  int listening = -1;
  server.set_socket_options([&listening](socket_t sock) {
    httplib::default_socket_options(sock);
    listening = sock;
  });
  int port = options.port;
  if (port == 0) {
    port = server.bind_to_any_port(options.host);
  } else if (!server.bind_to_port(options.host, port)) {
    port = -1;
  }
  if (port > 0 && listening >= 0) ::listen(listening, kBacklog);
  if (port <= 0) {
    pthread_sigmask(SIG_UNBLOCK, &stop_signals, nullptr);
    sink.error("E0908", fmt::format("cannot listen on {}:{} (in use, or not an address of this "
                                    "machine)",
                                    options.host, options.port));
    return 2;
  }
  const std::string host = options.host;

  server.set_pre_routing_handler([&](const httplib::Request& req, httplib::Response& res) {
    std::string h = req.get_header_value("Host");
    std::string origin = req.get_header_value("Origin");
    std::string served = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    bool ok = host_matches(h, served, port);
    if (ok && !origin.empty()) {
      ok = origin.rfind("http://", 0) == 0 && host_matches(origin.substr(7), served, port);
    }
    if (ok) return httplib::Server::HandlerResponse::Unhandled;
    send(res, refusal(403, "E0907",
                      fmt::format("refused: the request is for '{}'{}, not this server", h,
                                  origin.empty() ? "" : " from '" + origin + "'")));
    return httplib::Server::HandlerResponse::Handled;
  });
  server.set_post_routing_handler([](const httplib::Request&, httplib::Response& res) {
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Cache-Control", "no-store");
    res.set_header("Content-Security-Policy",
                   "default-src 'self'; img-src 'self' data: blob:; style-src 'self' "
                   "'unsafe-inline'; frame-ancestors 'none'");
  });
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    if (res.status == 413)
      send(res, refusal(413, "E0901",
                        fmt::format("the request body is larger than {} bytes", kMaxBodyBytes)));
    else if (res.status == 404)
      send(res, refusal(404, "E0905", "no such page"));
    else
      send(res, refusal(res.status, "E0905", fmt::format("refused (HTTP {})", res.status)));
  });
  server.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        send(res, refusal(500, "E0906", "internal error"));
      });

  auto asset = [](const std::string& name, httplib::Response& res) {
    const Asset* a = find_asset(name);
    if (!a) {
      send(res, refusal(404, "E0905", "no such page"));
      return;
    }
    res.set_content(std::string(a->body), std::string(a->content_type));
  };
  server.Get("/",
             [&](const httplib::Request&, httplib::Response& res) { asset("index.html", res); });
  // The names are looked up among the embedded files, never joined to a path.
  server.Get(R"(/assets/(.+))", [&](const httplib::Request& req, httplib::Response& res) {
    asset(req.matches[1], res);
  });
  Workers workers(std::thread::hardware_concurrency());
  auto call = [&](const httplib::Request& req, httplib::Response& res) {
    send(res, workers.run([&] { return api->handle(req.method, req.path, req.body); }));
  };
  server.Get(R"(/api/.*)", call);
  server.Post(R"(/api/.*)", call);

  // A signal can come before listen_after_bind() has started, when stop() does nothing:
  // so stop again until listening has ended.
  std::atomic<bool> listening_ended{false};
  std::thread stopper([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    while (!listening_ended) {
      server.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });

  if (!is_loopback(host)) {
    out << fmt::format(
        "WARNING: serving on {} — every machine that can reach this address can use the page "
        "and the API. Use the default (127.0.0.1) unless you mean to share it.\n",
        host);
  }
  std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  out << fmt::format("exctl serve: http://{}:{}/  (Ctrl-C stops it)", shown, port) << std::endl;
  server.listen_after_bind();
  // listen returned: stopped by a signal, or the socket failed; wake the stopper either way.
  listening_ended = true;
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  pthread_sigmask(SIG_UNBLOCK, &stop_signals, nullptr);
  out << "exctl serve: stopped" << std::endl;
  return 0;
}

}  // namespace exctl::serve
