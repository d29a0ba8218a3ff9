#include "chipdb/sqlite.hpp"

#include <algorithm>

namespace exctl::sqlite {

Connection Connection::open(const std::string& path, int flags) {
  sqlite3* db = nullptr;
  // No memory statistics: they cost a global mutex on every allocation. This has to be set
  // before SQLite initializes, so the first connection does it (later it is a no-op).
  static const int configured = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)configured;
  // A Connection is used by one thread at a time, so SQLite needs no per-connection mutex.
  flags |= SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close(db);
    throw SqliteError(message);
  }
  sqlite3_extended_result_codes(db, 1);
  // Another process importing holds the write lock for the length of its import: wait for it
  // (then see its chips) rather than fail with "database is locked".
  sqlite3_busy_timeout(db, kBusyTimeoutMs);
  return Connection(db);
}

Connection Connection::open_image(const unsigned char* data, size_t size) {
  Connection conn = open(":memory:", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  // SQLite does not write to a READONLY image, so handing it our constant data is safe.
  int rc = sqlite3_deserialize(conn.db_, "main", const_cast<unsigned char*>(data),
                               static_cast<sqlite3_int64>(size), static_cast<sqlite3_int64>(size),
                               SQLITE_DESERIALIZE_READONLY);
  if (rc != SQLITE_OK) throw SqliteError(conn.error_message());
  return conn;
}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    sqlite3_close(db_);
    db_ = other.db_;
    other.db_ = nullptr;
  }
  return *this;
}

Connection::~Connection() {
  sqlite3_close(db_);
}

void Connection::exec(const std::string& sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : error_message();
    sqlite3_free(error);
    throw SqliteError(message);
  }
}

Statement Connection::prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr) !=
      SQLITE_OK) {
    throw SqliteError(error_message());
  }
  return Statement(db_, stmt);
}

Statement Connection::prepare_first(std::string_view sql, std::string_view& rest) {
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, &tail) !=
      SQLITE_OK) {
    throw SqliteError(error_message());
  }
  size_t used = tail ? static_cast<size_t>(tail - sql.data()) : sql.size();
  rest = sql.substr(std::min(used, sql.size()));
  return Statement(db_, stmt);
}

int64_t Connection::pragma_int(std::string_view name) {
  Statement st = prepare("PRAGMA " + std::string(name));
  return st.step() ? st.integer(0) : 0;
}

Statement& Statement::bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}
Statement& Statement::bind_static(int index, std::string_view text) {
  // A view without data is the empty text, not NULL.
  sqlite3_bind_text(stmt_, index, text.data() ? text.data() : "", static_cast<int>(text.size()),
                    SQLITE_STATIC);
  return *this;
}
Statement& Statement::bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}
Statement& Statement::bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}
Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw SqliteError(sqlite3_errmsg(db_));
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

std::string Statement::text(int i) const {
  auto p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, i))) : std::string();
}
std::string_view Statement::blob(int i) const {
  auto p = static_cast<const char*>(sqlite3_column_blob(stmt_, i));
  return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(stmt_, i)))
           : std::string_view();
}
std::optional<std::string> Statement::opt_text(int i) const {
  return is_null(i) ? std::nullopt : std::optional<std::string>(text(i));
}
std::optional<int64_t> Statement::opt_integer(int i) const {
  return is_null(i) ? std::nullopt : std::optional<int64_t>(integer(i));
}
std::optional<double> Statement::opt_real(int i) const {
  return is_null(i) ? std::nullopt : std::optional<double>(real(i));
}

Transaction::~Transaction() {
  if (!done_) {
    try {
      db_.exec("ROLLBACK");
    } catch (...) {
      // The connection is gone or already rolled back; nothing was committed.
    }
  }
}

void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

ReadTransaction::ReadTransaction(Connection& db) : db_(db) {
  if (sqlite3_get_autocommit(db_.get())) {
    db_.exec("BEGIN");
    began_ = true;
  }
}

ReadTransaction::~ReadTransaction() {
  if (!began_) return;
  try {
    db_.exec("COMMIT");  // nothing was written: this only ends the snapshot
  } catch (...) {
    // The connection is gone; its locks went with it.
  }
}

}  // namespace exctl::sqlite
