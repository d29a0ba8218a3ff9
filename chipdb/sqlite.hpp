// A small RAII wrapper over SQLite's C API. Failures throw SqliteError with SQLite's own
// message; callers turn them into diagnostics at the boundary.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <sqlite3.h>

namespace exctl::sqlite {

class SqliteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Statement;

// How long a connection waits for another process's write lock before giving up.
inline constexpr int kBusyTimeoutMs = 60'000;

// Not thread-safe: use a Connection (and its statements) from one thread at a time.
class Connection {
 public:
  Connection() = default;
  // Opens a file; `flags` are SQLITE_OPEN_*.
  static Connection open(const std::string& path, int flags);
  // An in-memory database over a serialized image, read-only; `data` must outlive it.
  static Connection open_image(const unsigned char* data, size_t size);

  Connection(Connection&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  Connection& operator=(Connection&& other) noexcept;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  sqlite3* get() const { return db_; }
  void exec(const std::string& sql);
  Statement prepare(std::string_view sql);
  // Prepares the first statement of `sql` and sets `rest` to the text after it. The
  // statement is empty() when `sql` holds only whitespace, semicolons and comments.
  Statement prepare_first(std::string_view sql, std::string_view& rest);
  int64_t pragma_int(std::string_view name);
  std::string error_message() const { return db_ ? sqlite3_errmsg(db_) : "no database"; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
};

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(Statement&& other) noexcept : db_(other.db_), stmt_(other.stmt_) {
    other.stmt_ = nullptr;
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(stmt_); }

  // Binds are 1-based, as in SQLite. Text is copied...
  Statement& bind(int index, std::string_view text);
  // ...unless bound with bind_static: then `text` must stay unchanged until the statement
  // is reset (run() resets it).
  Statement& bind_static(int index, std::string_view text);
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, double value);
  Statement& bind_null(int index);
  template <typename T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind_null(index);
  }

  bool step();  // true while a row is available
  void run();   // steps to completion, then resets for reuse
  void reset();

  int column_count() const { return sqlite3_column_count(stmt_); }
  std::string column_name(int i) const { return sqlite3_column_name(stmt_, i); }
  int column_type(int i) const { return sqlite3_column_type(stmt_, i); }
  bool is_null(int i) const { return column_type(i) == SQLITE_NULL; }
  std::string text(int i) const;
  std::string_view blob(int i) const;  // valid until the next step
  int64_t integer(int i) const { return sqlite3_column_int64(stmt_, i); }
  double real(int i) const { return sqlite3_column_double(stmt_, i); }
  std::optional<std::string> opt_text(int i) const;
  std::optional<int64_t> opt_integer(int i) const;
  std::optional<double> opt_real(int i) const;
  bool read_only() const { return sqlite3_stmt_readonly(stmt_) != 0; }
  bool empty() const { return stmt_ == nullptr; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

// Commits on commit(); rolls back if destroyed first.
class Transaction {
 public:
  explicit Transaction(Connection& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit();

 private:
  Connection& db_;
  bool done_ = false;
};

// Several reads as one snapshot: a deferred BEGIN takes the shared lock at the first read and
// keeps it to the end, so a writer's commit cannot land between two statements (a reader
// during an import saw chips without their figures). Nothing when a transaction is open.
class ReadTransaction {
 public:
  explicit ReadTransaction(Connection& db);
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;
  ~ReadTransaction();

 private:
  Connection& db_;
  bool began_ = false;
};

}  // namespace exctl::sqlite
