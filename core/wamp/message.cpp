// SPDX-License-Identifier: GPL-3.0-or-later
#include "message.h"
#include "ids.h"

namespace wb::wamp {

namespace {

using FK = FieldKind;
constexpr quint8 kClosed = quint8(SessionPhase::Closed);
constexpr quint8 kEst = quint8(SessionPhase::Establishing);
constexpr quint8 kOpen = quint8(SessionPhase::Established) | quint8(SessionPhase::ShuttingDown);

// clang-format off
// type, name, min, max, element kinds 1..6, sender, phases, requestIdPos, uriPos, dictPos, argsPos
const MessageTraits kTable[] = {
    {MessageType::Hello,        "HELLO",        3, 3, {FK::UriOrNull, FK::Dict}, Sender::Client, kClosed, -1, 1, 2, -1},
    {MessageType::Welcome,      "WELCOME",      3, 3, {FK::Id, FK::Dict}, Sender::Router, kEst, -1, -1, 2, -1},
    {MessageType::Abort,        "ABORT",        3, 5, {FK::Dict, FK::Uri, FK::List, FK::Dict}, Sender::Either, quint8(kEst | kOpen), -1, 2, 1, 3},
    {MessageType::Challenge,    "CHALLENGE",    3, 3, {FK::String, FK::Dict}, Sender::Router, kEst, -1, -1, 2, -1},
    {MessageType::Authenticate, "AUTHENTICATE", 3, 3, {FK::String, FK::Dict}, Sender::Client, kEst, -1, -1, 2, -1},
    {MessageType::Goodbye,      "GOODBYE",      3, 3, {FK::Dict, FK::Uri}, Sender::Either, kOpen, -1, 2, 1, -1},
    {MessageType::Error,        "ERROR",        5, 7, {FK::Integer, FK::Id, FK::Dict, FK::Uri, FK::List, FK::Dict}, Sender::Either, kOpen, 2, 4, 3, 5},
    {MessageType::Publish,      "PUBLISH",      4, 6, {FK::Id, FK::Dict, FK::Uri, FK::List, FK::Dict}, Sender::Client, kOpen, 1, 3, 2, 4},
    {MessageType::Published,    "PUBLISHED",    3, 3, {FK::Id, FK::Id}, Sender::Router, kOpen, 1, -1, -1, -1},
    {MessageType::Subscribe,    "SUBSCRIBE",    4, 4, {FK::Id, FK::Dict, FK::Uri}, Sender::Client, kOpen, 1, 3, 2, -1},
    {MessageType::Subscribed,   "SUBSCRIBED",   3, 3, {FK::Id, FK::Id}, Sender::Router, kOpen, 1, -1, -1, -1},
    {MessageType::Unsubscribe,  "UNSUBSCRIBE",  3, 3, {FK::Id, FK::Id}, Sender::Client, kOpen, 1, -1, -1, -1},
    {MessageType::Unsubscribed, "UNSUBSCRIBED", 2, 3, {FK::IdOrZero, FK::Dict}, Sender::Router, kOpen, 1, -1, 2, -1},
    {MessageType::Event,        "EVENT",        4, 6, {FK::Id, FK::Id, FK::Dict, FK::List, FK::Dict}, Sender::Router, kOpen, -1, -1, 3, 4},
    {MessageType::Call,         "CALL",         4, 6, {FK::Id, FK::Dict, FK::Uri, FK::List, FK::Dict}, Sender::Client, kOpen, 1, 3, 2, 4},
    {MessageType::Cancel,       "CANCEL",       3, 3, {FK::Id, FK::Dict}, Sender::Client, kOpen, 1, -1, 2, -1},
    {MessageType::Result,       "RESULT",       3, 5, {FK::Id, FK::Dict, FK::List, FK::Dict}, Sender::Router, kOpen, 1, -1, 2, 3},
    {MessageType::Register,     "REGISTER",     4, 4, {FK::Id, FK::Dict, FK::Uri}, Sender::Client, kOpen, 1, 3, 2, -1},
    {MessageType::Registered,   "REGISTERED",   3, 3, {FK::Id, FK::Id}, Sender::Router, kOpen, 1, -1, -1, -1},
    {MessageType::Unregister,   "UNREGISTER",   3, 3, {FK::Id, FK::Id}, Sender::Client, kOpen, 1, -1, -1, -1},
    {MessageType::Unregistered, "UNREGISTERED", 2, 3, {FK::IdOrZero, FK::Dict}, Sender::Router, kOpen, 1, -1, 2, -1},
    {MessageType::Invocation,   "INVOCATION",   4, 6, {FK::Id, FK::Id, FK::Dict, FK::List, FK::Dict}, Sender::Router, kOpen, 1, -1, 3, 4},
    {MessageType::Interrupt,    "INTERRUPT",    3, 3, {FK::Id, FK::Dict}, Sender::Router, kOpen, 1, -1, 2, -1},
    {MessageType::Yield,        "YIELD",        3, 5, {FK::Id, FK::Dict, FK::List, FK::Dict}, Sender::Client, kOpen, 1, -1, 2, 3},
};
// clang-format on

const MessageTraits *kByCode[71] = {};

struct TableInit
{
    TableInit()
    {
        for (const MessageTraits &t : kTable)
            kByCode[int(t.type)] = &t;
    }
} s_tableInit;

const MessageTraits kInvalidTraits = {MessageType::Invalid, "INVALID", 0, 0, {}, Sender::Either, 0, -1, -1, -1, -1};

QString fieldKindName(FieldKind k)
{
    switch (k) {
    case FK::Id: return QStringLiteral("an ID in [1, 2^53]");
    case FK::IdOrZero: return QStringLiteral("an ID in [0, 2^53]");
    case FK::Integer: return QStringLiteral("a non-negative integer");
    case FK::Uri: return QStringLiteral("a URI string");
    case FK::UriOrNull: return QStringLiteral("a URI string");
    case FK::String: return QStringLiteral("a string");
    case FK::Dict: return QStringLiteral("a dict");
    case FK::List: return QStringLiteral("a list");
    }
    return {};
}

QString describe(const Value &v)
{
    QString s = v.toDebugString();
    if (s.size() > 40)
        s = s.left(37) + QStringLiteral("...");
    return v.kindName() + QLatin1Char(' ') + s;
}

bool kindOk(const Value &v, FieldKind k)
{
    switch (k) {
    case FK::Id: {
        auto id = v.toUInt64();
        return id && isValidId(*id);
    }
    case FK::IdOrZero: {
        auto id = v.toUInt64();
        return id && *id <= kMaxId;
    }
    case FK::Integer: return v.toUInt64().has_value();
    case FK::Uri: return v.isString();
    case FK::UriOrNull: return v.isString() || v.isNull();
    case FK::String: return v.isString();
    case FK::Dict: return v.isDict();
    case FK::List: return v.isList();
    }
    return false;
}

} // namespace

const MessageTraits *MessageTraits::lookup(qint64 code)
{
    if (code < 0 || code > 70)
        return nullptr;
    return kByCode[code];
}

const MessageTraits &Message::traits() const
{
    const MessageTraits *t = MessageTraits::lookup(int(m_type));
    return t ? *t : kInvalidTraits;
}

QString Message::typeName(MessageType type)
{
    const MessageTraits *t = MessageTraits::lookup(int(type));
    return t ? QString::fromLatin1(t->name) : QStringLiteral("UNKNOWN(%1)").arg(int(type));
}

QString Message::typeName(qint64 code)
{
    const MessageTraits *t = MessageTraits::lookup(code);
    return t ? QString::fromLatin1(t->name) : QStringLiteral("UNKNOWN(%1)").arg(code);
}

QString Message::typeName() const
{
    return typeName(m_type);
}

Result<Message> Message::fromValue(const Value &value)
{
    const List *list = value.listPtr();
    if (!list)
        return Result<Message>::failure(QStringLiteral("message.not_a_list"),
                                        QStringLiteral("a WAMP message must be a list, got %1").arg(value.kindName()));
    if (list->isEmpty())
        return Result<Message>::failure(QStringLiteral("message.empty"), QStringLiteral("empty message list"));
    const Value &codeValue = list->at(0);
    const auto code = codeValue.toInt64();
    if (!code)
        return Result<Message>::failure(QStringLiteral("message.bad_type"),
                                        QStringLiteral("message type must be an integer, got %1").arg(describe(codeValue)));
    const MessageTraits *t = MessageTraits::lookup(*code);
    if (!t)
        return Result<Message>::failure(QStringLiteral("message.unknown_type"),
                                        QStringLiteral("unknown message type %1").arg(*code));
    const int n = int(list->size());
    if (n < t->minLength || n > t->maxLength) {
        const QString allowed = t->minLength == t->maxLength
                                    ? QString::number(t->minLength)
                                    : QStringLiteral("%1 to %2").arg(t->minLength).arg(t->maxLength);
        return Result<Message>::failure(QStringLiteral("message.bad_length"),
                                        QStringLiteral("%1 must have %2 elements, got %3")
                                            .arg(QString::fromLatin1(t->name), allowed)
                                            .arg(n));
    }
    for (int i = 1; i < n; ++i) {
        const FieldKind k = t->fields[i - 1];
        if (!kindOk(list->at(i), k)) {
            return Result<Message>::failure(QStringLiteral("message.bad_element"),
                                            QStringLiteral("%1: element %2 must be %3, got %4")
                                                .arg(QString::fromLatin1(t->name))
                                                .arg(i)
                                                .arg(fieldKindName(k), describe(list->at(i))));
        }
    }
    // Revocation forms: request 0 only together with the Details dict.
    if ((t->type == MessageType::Unsubscribed || t->type == MessageType::Unregistered) && n == 2
        && list->at(1).toUInt64().value_or(0) == 0)
        return Result<Message>::failure(QStringLiteral("message.bad_element"),
                                        QStringLiteral("%1: request ID 0 is only allowed in the revocation form")
                                            .arg(QString::fromLatin1(t->name)));
    Message m;
    m.m_type = t->type;
    m.m_elements = *list;
    return m;
}

Message Message::make(MessageType type, List elements)
{
    Message m;
    m.m_type = type;
    elements.prepend(Value(int(type)));
    m.m_elements = std::move(elements);
    Q_ASSERT(fromValue(m.toValue()).ok());
    return m;
}

quint64 Message::requestId() const
{
    const int pos = traits().requestIdPos;
    return pos > 0 ? at(pos).toUInt64().value_or(0) : 0;
}

QString Message::uri() const
{
    const int pos = traits().uriPos;
    return pos > 0 ? at(pos).toString() : QString();
}

Dict Message::dict() const
{
    const int pos = traits().dictPos;
    return pos > 0 ? at(pos).toDict() : Dict();
}

List Message::args() const
{
    const int pos = traits().argsPos;
    return pos > 0 ? at(pos).toList() : List();
}

Dict Message::kwargs() const
{
    const int pos = traits().argsPos;
    return pos > 0 ? at(pos + 1).toDict() : Dict();
}

Status Message::checkReceivable(Sender from, SessionPhase phase) const
{
    const MessageTraits &t = traits();
    if (t.type == MessageType::Invalid)
        return Status::failure(QStringLiteral("message.invalid"), QStringLiteral("invalid message"));
    if ((quint8(t.sender) & quint8(from)) == 0) {
        return Status::failure(QStringLiteral("message.wrong_sender"),
                               QStringLiteral("%1 may not be sent by a %2")
                                   .arg(typeName(), from == Sender::Client ? QStringLiteral("client")
                                                                           : QStringLiteral("router")));
    }
    if ((t.phases & quint8(phase)) == 0) {
        QString phaseName;
        switch (phase) {
        case SessionPhase::Closed: phaseName = QStringLiteral("before HELLO"); break;
        case SessionPhase::Establishing: phaseName = QStringLiteral("before the session is established"); break;
        case SessionPhase::Established:
        case SessionPhase::ShuttingDown: phaseName = QStringLiteral("after the session is established"); break;
        }
        return Status::failure(QStringLiteral("message.wrong_phase"),
                               QStringLiteral("%1 is not allowed %2").arg(typeName(), phaseName));
    }
    if (t.type == MessageType::Error) {
        const qint64 rt = at(1).toInt64().value_or(-1);
        const bool ok = from == Sender::Client
                            ? rt == int(MessageType::Invocation)
                            : (rt == int(MessageType::Publish) || rt == int(MessageType::Subscribe)
                               || rt == int(MessageType::Unsubscribe) || rt == int(MessageType::Call)
                               || rt == int(MessageType::Register) || rt == int(MessageType::Unregister));
        if (!ok)
            return Status::failure(QStringLiteral("message.bad_error_type"),
                                   QStringLiteral("ERROR for request type %1 (%2) may not be sent by a %3")
                                       .arg(rt)
                                       .arg(typeName(rt), from == Sender::Client ? QStringLiteral("client")
                                                                                 : QStringLiteral("router")));
    }
    return {};
}

void appendPayload(List &elements, const List &args, const Dict &kwargs)
{
    // Value(...) wrappers matter: QList::append(QList) would splice the elements in.
    if (!kwargs.isEmpty()) {
        elements.append(Value(args));
        elements.append(Value(kwargs));
    } else if (!args.isEmpty()) {
        elements.append(Value(args));
    }
}

Message Message::hello(const QString &realm, const Dict &details)
{
    return make(MessageType::Hello, {realm, details});
}
Message Message::welcome(quint64 session, const Dict &details)
{
    return make(MessageType::Welcome, {session, details});
}
Message Message::abort(const Dict &details, const QString &reason, const List &args, const Dict &kwargs)
{
    List e{details, reason};
    appendPayload(e, args, kwargs);
    return make(MessageType::Abort, std::move(e));
}
Message Message::challenge(const QString &authMethod, const Dict &extra)
{
    return make(MessageType::Challenge, {authMethod, extra});
}
Message Message::authenticate(const QString &signature, const Dict &extra)
{
    return make(MessageType::Authenticate, {signature, extra});
}
Message Message::goodbye(const Dict &details, const QString &reason)
{
    return make(MessageType::Goodbye, {details, reason});
}
Message Message::error(MessageType requestType, quint64 request, const Dict &details, const QString &error,
                       const List &args, const Dict &kwargs)
{
    List e{int(requestType), request, details, error};
    appendPayload(e, args, kwargs);
    return make(MessageType::Error, std::move(e));
}
Message Message::publish(quint64 request, const Dict &options, const QString &topic, const List &args,
                         const Dict &kwargs)
{
    List e{request, options, topic};
    appendPayload(e, args, kwargs);
    return make(MessageType::Publish, std::move(e));
}
Message Message::published(quint64 request, quint64 publication)
{
    return make(MessageType::Published, {request, publication});
}
Message Message::subscribe(quint64 request, const Dict &options, const QString &topic)
{
    return make(MessageType::Subscribe, {request, options, topic});
}
Message Message::subscribed(quint64 request, quint64 subscription)
{
    return make(MessageType::Subscribed, {request, subscription});
}
Message Message::unsubscribe(quint64 request, quint64 subscription)
{
    return make(MessageType::Unsubscribe, {request, subscription});
}
Message Message::unsubscribed(quint64 request)
{
    return make(MessageType::Unsubscribed, {request});
}
Message Message::event(quint64 subscription, quint64 publication, const Dict &details, const List &args,
                       const Dict &kwargs)
{
    List e{subscription, publication, details};
    appendPayload(e, args, kwargs);
    return make(MessageType::Event, std::move(e));
}
Message Message::call(quint64 request, const Dict &options, const QString &procedure, const List &args,
                      const Dict &kwargs)
{
    List e{request, options, procedure};
    appendPayload(e, args, kwargs);
    return make(MessageType::Call, std::move(e));
}
Message Message::cancel(quint64 request, const Dict &options)
{
    return make(MessageType::Cancel, {request, options});
}
Message Message::result(quint64 request, const Dict &details, const List &args, const Dict &kwargs)
{
    List e{request, details};
    appendPayload(e, args, kwargs);
    return make(MessageType::Result, std::move(e));
}
Message Message::register_(quint64 request, const Dict &options, const QString &procedure)
{
    return make(MessageType::Register, {request, options, procedure});
}
Message Message::registered(quint64 request, quint64 registration)
{
    return make(MessageType::Registered, {request, registration});
}
Message Message::unregister(quint64 request, quint64 registration)
{
    return make(MessageType::Unregister, {request, registration});
}
Message Message::unregistered(quint64 request)
{
    return make(MessageType::Unregistered, {request});
}
Message Message::invocation(quint64 request, quint64 registration, const Dict &details, const List &args,
                            const Dict &kwargs)
{
    List e{request, registration, details};
    appendPayload(e, args, kwargs);
    return make(MessageType::Invocation, std::move(e));
}
Message Message::interrupt(quint64 request, const Dict &options)
{
    return make(MessageType::Interrupt, {request, options});
}
Message Message::yield(quint64 request, const Dict &options, const List &args, const Dict &kwargs)
{
    List e{request, options};
    appendPayload(e, args, kwargs);
    return make(MessageType::Yield, std::move(e));
}

} // namespace wb::wamp
