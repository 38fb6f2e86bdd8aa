// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// A WAMP message is a validated list [Type|int, ...] (wamp-notes §2). Every type is checked against one
// table row (messagetraits.cpp): allowed lengths, the kind of each element, who may send it and in which
// session phase. Rejections carry a human-readable reason, which the workbench shows.

#include "result.h"
#include "value.h"

#include <QMetaType>
#include <QString>

namespace wb::wamp {

enum class MessageType : int {
    Invalid = 0,
    Hello = 1,
    Welcome = 2,
    Abort = 3,
    Challenge = 4,
    Authenticate = 5,
    Goodbye = 6,
    Error = 8,
    Publish = 16,
    Published = 17,
    Subscribe = 32,
    Subscribed = 33,
    Unsubscribe = 34,
    Unsubscribed = 35,
    Event = 36,
    Call = 48,
    Cancel = 49,
    Result = 50,
    Register = 64,
    Registered = 65,
    Unregister = 66,
    Unregistered = 67,
    Invocation = 68,
    Interrupt = 69,
    Yield = 70,
};

/// Element kinds used by the table.
enum class FieldKind : quint8 {
    Id,        ///< integer in [1, 2^53]
    IdOrZero,  ///< id, or 0 (revocation forms of UNSUBSCRIBED/UNREGISTERED)
    Integer,   ///< non-negative integer (ERROR's REQUEST.Type)
    Uri,       ///< string (URI rules are checked where the role is known: routers answer invalid_uri)
    UriOrNull, ///< HELLO realm: AB allows null
    String,
    Dict,
    List,
};

/// Who may send a message.
enum class Sender : quint8 { Client = 1, Router = 2, Either = 3 };

/// Session phases used for "is this message allowed now" checks.
enum class SessionPhase : quint8 {
    Closed = 1,         ///< no session on the transport yet: only HELLO (client) / nothing (router) expected
    Establishing = 2,   ///< HELLO sent/received, waiting for WELCOME / CHALLENGE / AUTHENTICATE / ABORT
    Established = 4,    ///< WELCOME done
    ShuttingDown = 8,   ///< we sent GOODBYE and wait for the reply
};

struct MessageTraits
{
    MessageType type;
    const char *name;
    int minLength;          ///< including the type code
    int maxLength;
    FieldKind fields[6];    ///< kinds of elements 1..6 (positions past the fixed part are args/kwargs)
    Sender sender;
    quint8 phases;          ///< bitmask of SessionPhase in which the message may be received
    int requestIdPos;       ///< position of the request id, or -1
    int uriPos;             ///< position of the topic/procedure/realm/error/reason URI, or -1
    int dictPos;            ///< position of Options/Details/Extra, or -1
    int argsPos;            ///< position of Arguments (kwargs at argsPos+1), or -1 when no payload

    /// nullptr for unknown codes
    static const MessageTraits *lookup(qint64 code);
};

class Message
{
public:
    Message() = default;

    /// Structural validation against the table: a list, a known type code, allowed length, element kinds,
    /// ID ranges, string dict keys. The error message says what is wrong ("CALL: element 4 (Arguments)
    /// must be a list, got dict").
    static Result<Message> fromValue(const Value &value);

    /// Build from type and elements after the code (no validation beyond Q_ASSERT in debug).
    /// Use the named builders below in normal code.
    static Message make(MessageType type, List elements);

    bool isValid() const { return m_type != MessageType::Invalid; }
    MessageType type() const { return m_type; }
    int code() const { return int(m_type); }
    const MessageTraits &traits() const;
    QString typeName() const;
    static QString typeName(MessageType type);
    static QString typeName(qint64 code); ///< "UNKNOWN(99)" for unknown codes

    /// The whole message as a list, code first.
    const List &elements() const { return m_elements; }
    Value toValue() const { return Value(m_elements); }
    Value at(int pos) const { return pos < m_elements.size() ? m_elements.at(pos) : Value(); }
    int size() const { return int(m_elements.size()); }

    /// Generic accessors via the table (0 / empty when the type has no such element).
    quint64 requestId() const;
    QString uri() const;
    Dict dict() const; ///< Options, Details or Extra
    /// Payload; absent, [] and {} mean the same (wamp-notes §2.4).
    List args() const;
    Dict kwargs() const;
    bool hasPayload() const { return !args().isEmpty() || !kwargs().isEmpty(); }

    /// Is this message acceptable from \a from while the receiver is in \a phase? Returns the reason if not.
    Status checkReceivable(Sender from, SessionPhase phase) const;

    // ---- builders (payload rules applied: empty kwargs omitted, args present iff needed) ----
    static Message hello(const QString &realm, const Dict &details);
    static Message welcome(quint64 session, const Dict &details);
    static Message abort(const Dict &details, const QString &reason, const List &args = {}, const Dict &kwargs = {});
    static Message challenge(const QString &authMethod, const Dict &extra);
    static Message authenticate(const QString &signature, const Dict &extra);
    static Message goodbye(const Dict &details, const QString &reason);
    static Message error(MessageType requestType, quint64 request, const Dict &details, const QString &error,
                         const List &args = {}, const Dict &kwargs = {});
    static Message publish(quint64 request, const Dict &options, const QString &topic, const List &args = {},
                           const Dict &kwargs = {});
    static Message published(quint64 request, quint64 publication);
    static Message subscribe(quint64 request, const Dict &options, const QString &topic);
    static Message subscribed(quint64 request, quint64 subscription);
    static Message unsubscribe(quint64 request, quint64 subscription);
    static Message unsubscribed(quint64 request);
    static Message event(quint64 subscription, quint64 publication, const Dict &details, const List &args = {},
                         const Dict &kwargs = {});
    static Message call(quint64 request, const Dict &options, const QString &procedure, const List &args = {},
                        const Dict &kwargs = {});
    static Message cancel(quint64 request, const Dict &options);
    static Message result(quint64 request, const Dict &details, const List &args = {}, const Dict &kwargs = {});
    static Message register_(quint64 request, const Dict &options, const QString &procedure);
    static Message registered(quint64 request, quint64 registration);
    static Message unregister(quint64 request, quint64 registration);
    static Message unregistered(quint64 request);
    static Message invocation(quint64 request, quint64 registration, const Dict &details, const List &args = {},
                              const Dict &kwargs = {});
    static Message interrupt(quint64 request, const Dict &options);
    static Message yield(quint64 request, const Dict &options, const List &args = {}, const Dict &kwargs = {});

    bool operator==(const Message &) const = default;

private:
    MessageType m_type = MessageType::Invalid;
    List m_elements;
};

/// Appends args/kwargs following the "never null, omit empty" rules.
void appendPayload(List &elements, const List &args, const Dict &kwargs);

} // namespace wb::wamp

Q_DECLARE_METATYPE(wb::wamp::Message)
