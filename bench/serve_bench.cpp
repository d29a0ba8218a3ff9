// `exctl serve` under load: CLIENTS concurrent clients, each moving a slider (dram_cap of
// us-2025-04-h20, a new value every request), each request re-evaluating every shipped chip
// and rendering both charts (/api/evaluate). Loopback only, bounded in count and time.
//   serve_bench PORT SERVER_PID [--clients 50] [--requests 100000] [--seconds 600]
// Prints throughput, p50/p99 latency, errors, and the server's RSS before and after.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <httplib.h>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

namespace {

long rss_kib(int pid) {
  std::ifstream in(fmt::format("/proc/{}/status", pid));
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: serve_bench PORT SERVER_PID [--clients N] [--requests N] [--seconds N]\n");
    return 2;
  }
  int port = std::stoi(argv[1]), pid = std::stoi(argv[2]);
  int clients = 50;
  long requests = 100000, seconds = 600;
  for (int i = 3; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--clients") clients = std::stoi(argv[i + 1]);
    if (k == "--requests") requests = std::stol(argv[i + 1]);
    if (k == "--seconds") seconds = std::stol(argv[i + 1]);
  }
  clients = std::clamp(clients, 1, 200);
  const std::string host = "127.0.0.1";  // loopback only
  long rss_before = rss_kib(pid);

  std::atomic<long> issued{0}, errors{0};
  std::string first_error;  // written once, by the thread that counted the first error
  std::vector<std::vector<double>> latencies(static_cast<size_t>(clients));
  auto start = std::chrono::steady_clock::now();
  auto deadline = start + std::chrono::seconds(seconds);
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      httplib::Client client(host, port);
      client.set_keep_alive(true);
      client.set_read_timeout(30, 0);
      client.set_connection_timeout(30, 0);
      client.set_write_timeout(30, 0);
      auto& mine = latencies[static_cast<size_t>(c)];
      for (long n; (n = issued.fetch_add(1)) < requests;) {
        if (std::chrono::steady_clock::now() > deadline) break;
        // A slider dragged across 500..5,600 GB/s in 10 GB/s steps, each client from its own
        // place: every request a new value.
        long value = 500 + ((n * 10 + c * 370) % 5100);
        std::string body = fmt::format(
            R"({{"regime":"us-2025-04-h20","to":"CN","date":"2025-06-30","moving":"dram_cap",)"
            R"("params":{{"dram_cap":"{} GB/s"}}}})",
            value);
        auto t0 = std::chrono::steady_clock::now();
        auto res = client.Post("/api/evaluate", body, "application/json");
        auto t1 = std::chrono::steady_clock::now();
        if (!res || res->status != 200 || res->body.find("\"svg\":\"<svg") == std::string::npos) {
          if (errors.fetch_add(1) == 0)
            first_error = !res ? httplib::to_string(res.error())
                               : fmt::format("HTTP {}: {}", res->status, res->body.substr(0, 200));
        }
        mine.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
      }
    });
  }
  for (auto& t : threads)
    t.join();
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  long rss_after = rss_kib(pid);

  std::vector<double> all;
  for (const auto& v : latencies)
    all.insert(all.end(), v.begin(), v.end());
  std::sort(all.begin(), all.end());
  auto pct = [&](double p) {
    return all.empty() ? 0.0
                       : all[std::min(all.size() - 1,
                                      static_cast<size_t>(p * static_cast<double>(all.size())))];
  };
  std::printf("serve_bench: %d clients, %zu requests in %.1f s (limit %ld requests, %ld s)\n",
              clients, all.size(), elapsed, requests, seconds);
  std::printf("  throughput  %.0f requests/s\n", static_cast<double>(all.size()) / elapsed);
  std::printf("  latency     p50 %.1f ms, p99 %.1f ms, max %.1f ms\n", pct(0.50), pct(0.99),
              all.empty() ? 0.0 : all.back());
  std::printf("  errors      %ld%s\n", errors.load(),
              errors.load() ? (" (first: " + first_error + ")").c_str() : "");
  std::printf("  server RSS  %.1f MiB before, %.1f MiB after\n",
              static_cast<double>(rss_before) / 1024.0, static_cast<double>(rss_after) / 1024.0);
  std::printf("  p99 target  < 20 ms: %s\n", pct(0.99) < 20 ? "ok" : "MISSED");
  return errors.load() == 0 ? 0 : 1;
}
