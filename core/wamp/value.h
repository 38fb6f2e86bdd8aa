// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Why our own payload type and not QJsonValue/QVariant/QCborValue: WAMP payloads must keep null, bool,
// signed and unsigned 64-bit integers, doubles, strings and *bytes* distinct through JSON, MessagePack and
// CBOR round trips. QJsonValue has one number type and no bytes; QCborValue has no uint64 above INT64_MAX;
// QVariant enforces nothing. Lists and dicts are Qt containers, so copies are cheap (implicitly shared).

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QMetaType>
#include <QString>

#include <optional>
#include <variant>

namespace wb::wamp {

class Value;
using List = QList<Value>;
using Dict = QMap<QString, Value>; ///< ordered by key: deterministic output and display

class Value
{
public:
    enum class Kind { Null, Bool, Int, UInt, Double, String, Bytes, List, Dict };

    Value() = default;
    Value(std::nullptr_t) {}
    Value(bool b) : m_v(b) {}
    Value(int i) : m_v(qint64(i)) {}
    Value(unsigned int i) : m_v(qint64(i)) {}
    Value(qint64 i) : m_v(i) {}
    Value(long i) : m_v(qint64(i)) {}
    /// Unsigned values that fit in int64 are stored as Int, so 5u == 5; only values above INT64_MAX are UInt.
    Value(quint64 u);
    Value(unsigned long u) : Value(quint64(u)) {}
    Value(double d) : m_v(d) {}
    Value(const QString &s) : m_v(s) {}
    Value(QString &&s) : m_v(std::move(s)) {}
    Value(const char *utf8) : m_v(QString::fromUtf8(utf8)) {}
    Value(QLatin1StringView s) : m_v(QString(s)) {}
    /// Bytes (a WAMP binary value). Use Value(QString) for text.
    static Value bytes(QByteArray b);
    Value(const List &l) : m_v(l) {}
    Value(List &&l) : m_v(std::move(l)) {}
    Value(const Dict &d) : m_v(d) {}
    Value(Dict &&d) : m_v(std::move(d)) {}

    Kind kind() const { return Kind(m_v.index()); }
    static QString kindName(Kind k);
    QString kindName() const { return kindName(kind()); }

    bool isNull() const { return kind() == Kind::Null; }
    bool isBool() const { return kind() == Kind::Bool; }
    bool isInt() const { return kind() == Kind::Int; }
    bool isUInt() const { return kind() == Kind::UInt; }
    bool isInteger() const { return isInt() || isUInt(); }
    bool isDouble() const { return kind() == Kind::Double; }
    bool isNumber() const { return isInteger() || isDouble(); }
    bool isString() const { return kind() == Kind::String; }
    bool isBytes() const { return kind() == Kind::Bytes; }
    bool isList() const { return kind() == Kind::List; }
    bool isDict() const { return kind() == Kind::Dict; }

    bool toBool(bool def = false) const { return isBool() ? std::get<bool>(m_v) : def; }
    /// Int, or UInt (not representable: nullopt). Doubles are not converted.
    std::optional<qint64> toInt64() const;
    /// Non-negative integer as uint64 (Int >= 0 or UInt).
    std::optional<quint64> toUInt64() const;
    /// Any number as double.
    double toDouble(double def = 0.0) const;
    QString toString() const { return isString() ? std::get<QString>(m_v) : QString(); }
    const QString *stringPtr() const { return std::get_if<QString>(&m_v); }
    QByteArray toBytes() const { return isBytes() ? std::get<QByteArray>(m_v) : QByteArray(); }
    List toList() const { return isList() ? std::get<List>(m_v) : List(); }
    Dict toDict() const { return isDict() ? std::get<Dict>(m_v) : Dict(); }
    const List *listPtr() const { return std::get_if<List>(&m_v); }
    const Dict *dictPtr() const { return std::get_if<Dict>(&m_v); }
    List *listPtr() { return std::get_if<List>(&m_v); }
    Dict *dictPtr() { return std::get_if<Dict>(&m_v); }

    /// dict lookup; Null when not a dict or key missing
    Value operator[](const QString &key) const;
    Value value(const QString &key, const Value &def = {}) const;
    bool contains(const QString &key) const;

    /// Compact JSON-like text for logs and error messages, never for the wire. Bytes use the WAMP JSON notation
    /// "\u0000"+base64, as every display does (inspect/jsontext); non-finite doubles show as NaN/Infinity.
    QString toDebugString() const;

    bool operator==(const Value &other) const = default;

private:
    std::variant<std::monostate, bool, qint64, quint64, double, QString, QByteArray, List, Dict> m_v;
};

/// Append \a s as a JSON string literal: quotes, backslash escapes (\" \\ \n \r \t \b \f), \uXXXX for the other
/// control characters; everything else as is. The one escaping of toDebugString() and inspect/jsontext.
void appendJsonString(QString &out, QStringView s);

} // namespace wb::wamp

Q_DECLARE_METATYPE(wb::wamp::Value)
