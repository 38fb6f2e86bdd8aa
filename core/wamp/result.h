// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QString>

#include <optional>
#include <utility>
#include <variant>

namespace wb {

/// An error with a machine-readable code (often a WAMP error URI) and a human-readable message.
struct Error
{
    QString code;    ///< e.g. "wamp.error.protocol_violation" or "decode.truncated"
    QString message; ///< human-readable reason, shown to the user
    bool operator==(const Error &) const = default;
};

/// Expected-like result: either a value or an Error. std::expected needs C++23, GCC 12 lacks it.
template<typename T>
class [[nodiscard]] Result
{
public:
    Result(T value) : m_v(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : m_v(std::in_place_index<1>, std::move(error)) {}

    static Result failure(QString code, QString message) { return Result(Error{std::move(code), std::move(message)}); }

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }

    T &value() & { return std::get<0>(m_v); }
    const T &value() const & { return std::get<0>(m_v); }
    T &&value() && { return std::get<0>(std::move(m_v)); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }

    const Error &error() const { return std::get<1>(m_v); }
    QString errorString() const { return ok() ? QString() : error().message; }

private:
    std::variant<T, Error> m_v;
};

/// Result<void> equivalent.
class [[nodiscard]] Status
{
public:
    Status() = default;
    Status(Error error) : m_error(std::move(error)) {}
    static Status failure(QString code, QString message) { return Status(Error{std::move(code), std::move(message)}); }
    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return *m_error; }
    QString errorString() const { return ok() ? QString() : m_error->message; }

private:
    std::optional<Error> m_error;
};

} // namespace wb
