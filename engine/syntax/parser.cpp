// The rule-language grammar. Every X3 rule and symbol table is in this file (see parser.hpp).
#include "engine/syntax/parser.hpp"

#include <boost/fusion/include/adapt_struct.hpp>
#include <boost/spirit/home/x3.hpp>
#include <fmt/format.h>

BOOST_FUSION_ADAPT_STRUCT(exctl::syntax::Number, digits, unit)
BOOST_FUSION_ADAPT_STRUCT(exctl::syntax::Name, text)
BOOST_FUSION_ADAPT_STRUCT(exctl::syntax::BoolLiteral, value)
BOOST_FUSION_ADAPT_STRUCT(exctl::syntax::Classified, paragraphs, regime)
BOOST_FUSION_ADAPT_STRUCT(exctl::syntax::Not, op, operand)
BOOST_FUSION_ADAPT_STRUCT(exctl::syntax::Operation, op, operand)
BOOST_FUSION_ADAPT_STRUCT(exctl::syntax::Expr, first, rest)
BOOST_FUSION_ADAPT_STRUCT(exctl::syntax::Meta, key, value)
BOOST_FUSION_ADAPT_STRUCT(exctl::syntax::Param, name, value)
BOOST_FUSION_ADAPT_STRUCT(exctl::syntax::Metric, name, value)
BOOST_FUSION_ADAPT_STRUCT(exctl::syntax::Control, paragraph, condition, cite)
BOOST_FUSION_ADAPT_STRUCT(exctl::syntax::Exclude, note, targets, condition, cite)
BOOST_FUSION_ADAPT_STRUCT(exctl::syntax::Propagate, item, sources)
BOOST_FUSION_ADAPT_STRUCT(exctl::syntax::Licence, targets, headquarters, groups, except_groups,
                          shipped_to, policy, since, condition, cite)
BOOST_FUSION_ADAPT_STRUCT(exctl::syntax::HeadquartersTest, join, outside, groups, except_groups)
BOOST_FUSION_ADAPT_STRUCT(exctl::syntax::ExceptionWhere, groups, except_groups, headquarters)
BOOST_FUSION_ADAPT_STRUCT(exctl::syntax::Exception, name, targets, where, condition, limit, per,
                          since, until, cite)
BOOST_FUSION_ADAPT_STRUCT(exctl::syntax::Flag, message, condition)
BOOST_FUSION_ADAPT_STRUCT(exctl::syntax::Drop, paragraph)
BOOST_FUSION_ADAPT_STRUCT(exctl::syntax::Regime, id, parent, items)
BOOST_FUSION_ADAPT_STRUCT(exctl::syntax::RuleFile, regimes)

namespace exctl::syntax {
namespace grammar {

using Iterator = std::string::const_iterator;
struct start_tag;
struct syntax_tag;  // the ExpressionSyntax in force (rule files: the default)

// X3 hands positions from before the skipper ran; spans start at the token itself.
Iterator skip_blank(Iterator it, Iterator end) {
  while (it != end) {
    if (std::isspace(static_cast<unsigned char>(*it))) {
      ++it;
    } else if (*it == '#' || (*it == '/' && it + 1 != end && it[1] == '/')) {
      while (it != end && *it != '\n')
        ++it;
    } else {
      break;
    }
  }
  return it;
}

// Records the byte span of every Located node a rule produces.
struct annotate {
  template <typename T, typename Context>
  void on_success(const Iterator& first, const Iterator& last, T& node,
                  const Context& context) const {
    if constexpr (std::is_base_of_v<Located, T>) {
      const Iterator& start = x3::get<start_tag>(context).get();
      node.begin = static_cast<uint32_t>(skip_blank(first, last) - start);
      Iterator end = last;  // X3 also consumes the blanks after a node
      while (end != first && std::isspace(static_cast<unsigned char>(end[-1])))
        --end;
      node.end = static_cast<uint32_t>(end - start);
    }
  }
};

const auto idchar = x3::alnum | x3::char_('_');
template <typename T>
auto kw(const T& word) {
  return x3::lexeme[x3::lit(word) >> !idchar];
}
template <typename T>
auto kw_string(const T& word) {
  return x3::lexeme[x3::string(word) >> !idchar];
}

// Unit spellings a literal may carry; sema gives them meaning.
struct UnitSymbols : x3::symbols<std::string> {
  UnitSymbols() {
    for (const char* u : {"GB/s/mm2", "GB/s/mm²", "GB/s", "TB/s", "MB/s", "Gbyte/s", "GB", "TB",
                          "MB", "mm2", "mm²", "/mm2", "/mm²", "kW", "W", "billion", "million"}) {
      add(u, u);
    }
  }
} const units;

// '=' for '==', on the command line only (`chips list --where 'year=2023'` has always
// worked); never the first '=' of '==', '=>' or '=<'.
struct command_line_equals_parser : x3::parser<command_line_equals_parser> {
  using attribute_type = std::string;
  static bool const has_attribute = true;
  template <typename It, typename Context, typename RContext, typename Attribute>
  bool parse(It& first, const It& last, const Context& context, RContext&, Attribute& attr) const {
    if (!x3::get<syntax_tag>(context).get().command_line) return false;
    It it = first;
    x3::skip_over(it, last, context);
    if (it == last || *it != '=') return false;
    if (it + 1 != last && (it[1] == '=' || it[1] == '>' || it[1] == '<')) return false;
    first = it + 1;
    x3::traits::move_to(std::string("=="), attr);
    return true;
  }
} const command_line_equals{};

// Rule ids of rules that produce located nodes.
struct name_class : annotate {};
struct regime_name_class : annotate {};
struct number_class : annotate {};
struct date_number_class : annotate {};
struct bool_class : annotate {};
struct classified_class : annotate {};
struct quoted_name_class : annotate {};
struct product_class : annotate {};
struct sum_class : annotate {};
struct comparison_class : annotate {};
struct not_class : annotate {};
struct conjunction_class : annotate {};
struct expr_class : annotate {};
struct operation1_class : annotate {};
struct operation2_class : annotate {};
struct operation3_class : annotate {};
struct operation4_class : annotate {};
struct operation5_class : annotate {};
struct meta_class : annotate {};
struct param_class : annotate {};
struct metric_class : annotate {};
struct control_class : annotate {};
struct exclude_class : annotate {};
struct propagate_class : annotate {};
struct licence_class : annotate {};
struct exception_class : annotate {};
struct drop_class : annotate {};
struct flag_class : annotate {};
struct regime_class : annotate {};

// Named rules: the name is what an error says was expected.
x3::rule<struct string_class, std::string> const string_lit = "a string in double quotes";
x3::rule<struct date_class, std::string> const date = "a date (YYYY-MM-DD)";
x3::rule<struct word_class, std::string> const word = "a name";
x3::rule<struct regime_id_class, std::string> const regime_id_text = "a regime id";
x3::rule<name_class, Name> const name = "a name";
x3::rule<regime_name_class, Name> const regime_name = "a regime id";
x3::rule<number_class, Number> const number = "a number";
x3::rule<date_number_class, Number> const date_number = "a date";
x3::rule<bool_class, BoolLiteral> const bool_lit = "true or false";
x3::rule<quoted_name_class, Name> const quoted_name = "a paragraph in double quotes";
x3::rule<classified_class, Classified> const classified =
    "a classification ('classified \"PARA\" under REGIME')";
x3::rule<struct primary_class, Operand> const primary = "a value";
x3::rule<product_class, Expr> const product = "a value";
x3::rule<sum_class, Expr> const sum = "a value";
x3::rule<comparison_class, Expr> const comparison = "a condition";
x3::rule<not_class, Not> const negated = "a condition";
x3::rule<struct negation_class, Operand> const negation = "a condition";
x3::rule<conjunction_class, Expr> const conjunction = "a condition";
x3::rule<expr_class, Expr> const expr = "an expression";
x3::rule<struct conditions_class, std::vector<Expr>> const conditions = "a condition";
x3::rule<operation1_class, Operation> const mul_operation = "an operation";
x3::rule<operation2_class, Operation> const add_operation = "an operation";
x3::rule<operation3_class, Operation> const cmp_operation = "a comparison";
x3::rule<operation4_class, Operation> const and_operation = "'and'";
x3::rule<operation5_class, Operation> const or_operation = "'or'";
x3::rule<struct targets_class, std::vector<std::string>> const targets = "'for' and paragraphs";
x3::rule<struct groups_class, std::vector<Name>> const group_list = "country groups";
x3::rule<struct except_class, std::vector<Name>> const except_list = "'except'";
x3::rule<struct cite_class, std::string> const cite = "'cite'";
x3::rule<struct hq_join_class, HeadquartersTest> const hq_join =
    "'or headquarters in' or 'and headquarters in'";
x3::rule<struct hq_only_class, HeadquartersTest> const hq_only = "'headquarters in'";
x3::rule<struct where_hq_class, ExceptionWhere> const where_hq_only = "'headquarters in'";
x3::rule<struct where_groups_class, ExceptionWhere> const where_groups = "country groups";
x3::rule<struct exception_where_class, ExceptionWhere> const exception_where =
    "country groups or 'headquarters in'";
x3::rule<meta_class, Meta> const meta = "a regime property";
x3::rule<param_class, Param> const param = "a parameter";
x3::rule<metric_class, Metric> const metric = "a metric";
x3::rule<control_class, Control> const control = "a control";
x3::rule<exclude_class, Exclude> const exclude = "an exclusion";
x3::rule<propagate_class, Propagate> const propagate = "a propagation";
x3::rule<licence_class, Licence> const licence = "a licence requirement";
x3::rule<exception_class, Exception> const exception = "a licence exception";
x3::rule<drop_class, Drop> const drop = "a drop";
x3::rule<flag_class, Flag> const flag = "a flag";
x3::rule<struct item_class, Item> const item = "a clause";
x3::rule<struct close_class> const close =
    "a clause (title, status, param, metric, control, exclude, licence, exception, flag, ...) or "
    "'}'";
x3::rule<regime_class, Regime> const regime = "a regime";
x3::rule<struct file_class, RuleFile> const file = "'regime'";

x3::rule<struct when_class> const when_kw = "'when'";
x3::rule<struct from_class> const from_kw = "'from'";
x3::rule<struct to_class> const to_kw = "'to'";
x3::rule<struct in_class> const in_kw = "'in'";
x3::rule<struct for_class> const for_kw = "'for'";
x3::rule<struct under_class> const under_kw = "'under'";
x3::rule<struct headquarters_class> const headquarters_kw = "'headquarters'";

const auto when_kw_def = kw("when");
const auto from_kw_def = kw("from");
const auto to_kw_def = kw("to");
const auto in_kw_def = kw("in");
const auto for_kw_def = kw("for");
const auto under_kw_def = kw("under");
const auto headquarters_kw_def = kw("headquarters");

const auto keyword = kw("or") | kw("and") | kw("not") | kw("confirmed") | kw("classified") |
                     kw("true") | kw("false");

const auto string_lit_def =
    x3::lexeme['"' > *(('\\' > x3::char_) | (x3::char_ - '"' - '\\' - x3::eol)) > '"'];
const auto date_def =
    x3::raw[x3::lexeme[x3::repeat(4)[x3::digit] >> '-' >> x3::repeat(2)[x3::digit] >> '-' >>
                       x3::repeat(2)[x3::digit] >> !idchar]];
const auto word_def = x3::raw[x3::lexeme[(x3::alpha | x3::char_('_')) >> *idchar]];
const auto regime_id_text_def = x3::raw[x3::lexeme[x3::alnum >> *(x3::alnum | x3::char_("-_."))]];
const auto name_def = !keyword >> word;
const auto regime_name_def = regime_id_text;

const auto digits = x3::lexeme[+x3::digit >> *('_' >> +x3::digit) >> -('.' >> +x3::digit) >>
                               -(x3::char_("eE") >> -x3::char_("+-") >> +x3::digit)];
const auto number_def = x3::raw[digits] >>
                        ((x3::lexeme[units >> !idchar]) | x3::attr(std::string()));
// A date in an expression (`us_available <= 2026-01-15`): a Number whose unit is "date".
const auto date_number_def = date >> x3::attr(std::string(kDateUnit));
const auto bool_lit_def = (kw("true") >> x3::attr(true)) | (kw("false") >> x3::attr(false));

const auto quoted_name_def = x3::eps >> string_lit;
const auto classified_def = kw("classified") > (quoted_name % ',') > under_kw > regime_name;
const auto primary_def = date_number | number | bool_lit | classified | name | ('(' > expr > ')');
const auto mul_operation_def = (x3::string("*") | x3::string("/")) > primary;
const auto product_def = primary >> *mul_operation;
const auto add_operation_def = (x3::string("+") | x3::string("-")) > product;
const auto sum_def = product >> *add_operation;
const auto cmp_operation_def =
    (x3::string(">=") | x3::string("<=") | x3::string("==") | x3::string("!=") | x3::string(">") |
     x3::string("<") | command_line_equals) > sum;
const auto comparison_def = sum >> x3::repeat(0, 1)[cmp_operation];
const auto negated_def = (kw_string("not") | kw_string("confirmed")) > negation;
const auto negation_def = negated | comparison;
const auto and_operation_def = kw_string("and") > negation;
const auto conjunction_def = negation >> *and_operation;
const auto or_operation_def = kw_string("or") > conjunction;
const auto expr_def = conjunction >> *or_operation;
// A standalone expression; several, separated by ',', on the command line only.
const auto conditions_def = expr % ',';

const auto targets_def = for_kw > ((kw("any") >> x3::attr(std::vector<std::string>{"*"})) |
                                   (string_lit % ','));
const auto group_list_def = -(kw("groups") | kw("group")) >> (name % ',');
const auto except_list_def = (kw("except") > group_list) | x3::attr(std::vector<Name>());
const auto cite_def = (kw("cite") > string_lit) | x3::attr(std::string());

const auto meta_def =
    ((kw_string("title") | kw_string("citation") | kw_string("note") | kw_string("applies_to") |
      kw_string("informed")) > string_lit) |
    ((kw_string("effective") | kw_string("compliance") | kw_string("ends")) > date) |
    (kw_string("status") > word) | (kw_string("supersedes") > regime_id_text);
const auto param_def = kw("param") > name > '=' > expr;
const auto metric_def = kw("metric") > name > '=' > expr;
const auto control_def = kw("control") > string_lit > when_kw > expr > cite;
const auto exclude_def = kw("exclude") > string_lit > from_kw > (string_lit % ',') > when_kw > expr
                         > cite;
const auto propagate_def = kw("propagate") > string_lit > from_kw > (string_lit % ',');
const auto licence_def = kw("licence") > targets > to_kw > x3::matches[kw("headquarters") > in_kw] >
                         group_list > except_list >
                         ((kw("shipped") > to_kw > group_list) | x3::attr(std::vector<Name>())) >
                         ((kw("policy") > word) | x3::attr(std::string())) >
                         ((kw("since") > date) | x3::attr(std::string())) >
                         -(kw("when") > expr) > cite;
const auto hq_join_def = (kw_string("or") | kw_string("and")) > headquarters_kw >
                         ((in_kw >> x3::attr(false)) |
                          (kw("outside") >> x3::attr(true))) > group_list
                         > except_list;
const auto hq_only_def = x3::attr(std::string()) >> x3::attr(false) >> kw("headquarters") > in_kw
                         > group_list > except_list;
const auto where_hq_only_def = x3::attr(std::vector<Name>()) >>
                               x3::attr(std::vector<Name>()) >> hq_only;
const auto where_groups_def = group_list >> except_list >> -hq_join;
const auto exception_where_def = where_hq_only | where_groups;
const auto exception_def = kw("exception") > name > targets >
                           ((kw("to") > exception_where) | x3::attr(ExceptionWhere())) >
                           -(kw("when") > expr) > -(kw("limit") > expr) >
                           ((kw("per") > string_lit) | x3::attr(std::string())) >
                           ((kw("since") > date) | x3::attr(std::string())) >
                           ((kw("until") > date) | x3::attr(std::string())) > cite;
const auto drop_def = kw("drop") > string_lit;
const auto flag_def = kw("flag") > string_lit > when_kw > expr;
const auto item_def =
    meta | param | metric | control | exclude | propagate | licence | exception | flag | drop;
const auto close_def = x3::lit('}');
const auto regime_def = kw("regime") > regime_name > -(kw("extends") > regime_name) > '{' >
                        *(item >> *x3::lit(';')) > close;
const auto file_def = *regime > x3::eoi;

BOOST_SPIRIT_DEFINE(quoted_name, classified, under_kw, headquarters_kw, hq_join, hq_only,
                    where_hq_only, where_groups, exception_where)
BOOST_SPIRIT_DEFINE(string_lit, date, word, regime_id_text, name, regime_name, number, date_number,
                    bool_lit, primary, product, sum, comparison, negated, negation, conjunction,
                    expr, mul_operation, add_operation, cmp_operation, and_operation, or_operation,
                    targets, group_list, except_list, cite, meta, param, metric, control, exclude,
                    propagate, licence, exception, flag, drop, item, close, regime, file, when_kw,
                    from_kw, to_kw, in_kw, for_kw, conditions)

const auto comment = x3::lexeme[(x3::lit('#') | "//") >> *(x3::char_ - x3::eol)];
const auto skipper = x3::space | comment;

}  // namespace grammar

namespace {

// The first byte of `text` that is not well-formed UTF-8, or a control character other than
// tab, carriage return, form feed and newline (a NUL, say), with what it is: rule text is
// UTF-8, and such bytes would reach every message and report that quotes the text.
std::optional<std::pair<uint32_t, std::string>> first_bad_byte(const std::string& text) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(text[i]); };
  for (size_t i = 0; i < text.size();) {
    unsigned char c = byte(i);
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f')
        return std::pair{static_cast<uint32_t>(i),
                         fmt::format("a control character (U+{:04X})", static_cast<unsigned>(c))};
      ++i;
      continue;
    }
    // The length of the sequence and the range of its second byte (no overlong forms, no
    // surrogates, nothing above U+10FFFF).
    size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) low = 0xA0;
      if (c == 0xED) high = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) low = 0x90;
      if (c == 0xF4) high = 0x8F;
    }
    bool ok = length > 0 && i + length <= text.size() && byte(i + 1) >= low && byte(i + 1) <= high;
    for (size_t k = 2; ok && k < length; ++k)
      ok = byte(i + k) >= 0x80 && byte(i + k) <= 0xBF;
    if (!ok)
      return std::pair{static_cast<uint32_t>(i),
                       fmt::format("invalid UTF-8 (byte 0x{:02X})", static_cast<unsigned>(c))};
    i += length;
  }
  return std::nullopt;
}

// The parser descends once per parenthesis and once per `not`, with a deep stack of its own
// at each level: a file nested deeper than this is refused before parsing rather than left
// to exhaust the stack.
constexpr int kMaxNesting = 256;

// The offset of the first '(' or `not` nested deeper than kMaxNesting, outside strings and
// comments (an unterminated string runs to the end of its line, as the grammar has it). A
// run of `not`s counts while nothing but '(' and blanks comes between them.
std::optional<uint32_t> first_too_deep(const std::string& text) {
  auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  int parens = 0, nots = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    if (c == '"') {
      for (++i; i < text.size() && text[i] != '"' && text[i] != '\n'; ++i)
        if (text[i] == '\\') ++i;
    } else if (c == '#' || (c == '/' && i + 1 < text.size() && text[i + 1] == '/')) {
      while (i < text.size() && text[i] != '\n')
        ++i;
    } else if (c == '(') {
      if (++parens + nots > kMaxNesting) return static_cast<uint32_t>(i);
      continue;
    } else if (c == ')') {
      parens = std::max(0, parens - 1);
    } else if (is_word(c)) {
      size_t end = i;
      while (end < text.size() && is_word(text[end]))
        ++end;
      bool is_not = text.compare(i, end - i, "not") == 0;
      if (is_not && parens + ++nots > kMaxNesting) return static_cast<uint32_t>(i);
      i = end - 1;
      if (is_not) continue;
    }
    nots = 0;
  }
  return std::nullopt;
}

constexpr std::string_view kAfterExpression = "an operator or the end of the expression";

// Reports a syntax error at `where`: what was expected there and what was found (up to the
// next space), or a hint for a comparison written as in another language.
void syntax_error(const SourcePtr& file, std::string_view code, grammar::Iterator start,
                  grammar::Iterator where, grammar::Iterator last, std::string_view expected,
                  std::string_view end_name, DiagnosticSink& sink) {
  const std::string& text = file->text();
  auto at = static_cast<uint32_t>(grammar::skip_blank(where, last) - start);
  std::string_view rest = std::string_view(text).substr(at);
  if (rest.rfind("=>", 0) == 0 || rest.rfind("=<", 0) == 0) {
    sink.error(
        std::string(code),
        fmt::format("'{}' is not a comparison; did you mean '{}='?", rest.substr(0, 2), rest[1]),
        Span{file, at, at + 2});
    return;
  }
  if (expected == kAfterExpression && !rest.empty() && rest[0] == '=') {
    sink.error(std::string(code), "'=' is not a comparison; did you mean '=='?",
               Span{file, at, at + 1});
    return;
  }
  // Underline the token found there, up to the next space.
  uint32_t end = at;
  while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])))
    ++end;
  std::string found =
      at < text.size() ? text.substr(at, std::min<uint32_t>(end - at, 24)) : std::string(end_name);
  if (at < text.size()) found = "'" + found + "'";
  sink.error(std::string(code), fmt::format("syntax error: expected {}, found {}", expected, found),
             Span{file, at, std::max(end, at + 1)});
}

// Conditions joined by top-level commas, as one conjunction.
Expr conjunction(std::vector<Expr> parts) {
  if (parts.size() == 1) return std::move(parts.front());
  Expr all;
  all.begin = parts.front().begin;
  all.end = parts.back().end;
  all.first = x3::forward_ast<Expr>(std::move(parts.front()));
  for (size_t i = 1; i < parts.size(); ++i) {
    Operation op;
    op.op = "and";
    op.begin = parts[i].begin;
    op.end = parts[i].end;
    op.operand = x3::forward_ast<Expr>(std::move(parts[i]));
    all.rest.push_back(std::move(op));
  }
  return all;
}

const ExpressionSyntax kRuleFileSyntax{};

}  // namespace

std::optional<RuleFile> parse(const SourcePtr& file, DiagnosticSink& sink) {
  using grammar::Iterator;
  const std::string& text = file->text();
  if (auto bad = first_bad_byte(text)) {
    sink.error("E0301", "syntax error: " + bad->second, Span{file, bad->first, bad->first + 1});
    return std::nullopt;
  }
  if (auto at = first_too_deep(text)) {
    sink.error(
        "E0301",
        fmt::format("syntax error: parentheses and 'not' nested more than {} deep", kMaxNesting),
        Span{file, *at, *at + 1});
    return std::nullopt;
  }
  Iterator start = text.begin(), first = text.begin(), last = text.end();
  // A UTF-8 byte-order mark (some Windows editors write one) is not part of the rules.
  if (text.starts_with("\xEF\xBB\xBF")) first += 3;
  RuleFile result;
  try {
    auto parser = x3::with<grammar::start_tag>(
        std::cref(start))[x3::with<grammar::syntax_tag>(std::cref(kRuleFileSyntax))[grammar::file]];
    if (x3::phrase_parse(first, last, parser, grammar::skipper, result)) return result;
    auto at = static_cast<uint32_t>(grammar::skip_blank(first, last) - start);
    sink.error("E0301", "syntax error: expected 'regime'", Span{file, at, at + 1});
  } catch (const x3::expectation_failure<Iterator>& e) {
    syntax_error(file, "E0301", start, e.where(), last, e.which(), "end of file", sink);
  }
  return std::nullopt;
}

std::optional<Expr> parse_expression(const SourcePtr& file, DiagnosticSink& sink,
                                     const ExpressionSyntax& syntax) {
  using grammar::Iterator;
  const std::string& text = file->text();
  if (auto bad = first_bad_byte(text)) {
    sink.error(std::string(syntax.code), "syntax error: " + bad->second,
               Span{file, bad->first, bad->first + 1});
    return std::nullopt;
  }
  if (auto at = first_too_deep(text)) {
    sink.error(
        std::string(syntax.code),
        fmt::format("syntax error: parentheses and 'not' nested more than {} deep", kMaxNesting),
        Span{file, *at, *at + 1});
    return std::nullopt;
  }
  Iterator start = text.begin(), first = text.begin(), last = text.end();
  std::vector<Expr> parts;
  try {
    auto parser = x3::with<grammar::start_tag>(
        std::cref(start))[x3::with<grammar::syntax_tag>(std::cref(syntax))[grammar::conditions]];
    bool ok = x3::phrase_parse(first, last, parser, grammar::skipper, parts);
    if (ok && !syntax.command_line && parts.size() > 1) {
      // A comma after a whole expression: what comes there is not part of it.
      first = start + parts.front().end;
    } else if (ok && grammar::skip_blank(first, last) == last) {
      return conjunction(std::move(parts));
    }
    syntax_error(file, syntax.code, start, first, last, ok ? kAfterExpression : "a condition",
                 "end of input", sink);
  } catch (const x3::expectation_failure<Iterator>& e) {
    syntax_error(file, syntax.code, start, e.where(), last, e.which(), "end of input", sink);
  }
  return std::nullopt;
}

}  // namespace exctl::syntax
