// SPDX-License-Identifier: GPL-3.0-or-later
#include "fakepeer.h"

#include "codec/messagecodec.h"

#include <QTest>

namespace wb::testing {

using namespace wb::wamp;

FakePeer::FakePeer(QObject *parent) : QObject(parent) {}

FakePeer::~FakePeer()
{
    if (m_transport) {
        m_transport->disconnect(this);
        delete m_transport.data();
    }
}

bool FakePeer::connectTo(const QUrl &url, codec::SerializerId serializer, qint64 maxMessageSize, int timeoutMs)
{
    m_serializer = serializer;
    transport::ConnectOptions options;
    options.url = url;
    options.serializer = serializer;
    options.maxMessageSize = maxMessageSize;
    options.connectTimeoutMs = timeoutMs;
    m_transport = transport::connectTo(options, this, &m_error);
    if (!m_transport)
        return false;
    connect(m_transport, &transport::Transport::opened, this, [this] { m_opened = true; });
    connect(m_transport, &transport::Transport::messageReceived, this, &FakePeer::onMessage);
    connect(m_transport, &transport::Transport::errorOccurred, this,
            [this](transport::TransportError, const QString &text) { m_transportError = text; });
    connect(m_transport, &transport::Transport::closed, this, [this](const QString &reason) {
        m_closed = true;
        m_closeReason = reason;
    });
    if (!QTest::qWaitFor([this] { return m_opened || m_closed; }, timeoutMs) || !m_opened) {
        m_error = QStringLiteral("could not connect to %1: %2").arg(url.toString(), m_transportError);
        return false;
    }
    return true;
}

Dict FakePeer::defaultRoles()
{
    const Dict callerFeatures{{QStringLiteral("progressive_call_results"), true}, {QStringLiteral("call_canceling"), true},
                              {QStringLiteral("caller_identification"), true}};
    const Dict calleeFeatures{{QStringLiteral("progressive_call_results"), true}, {QStringLiteral("call_canceling"), true},
                              {QStringLiteral("caller_identification"), true},
                              {QStringLiteral("pattern_based_registration"), true}};
    const Dict publisherFeatures{{QStringLiteral("publisher_exclusion"), true},
                                 {QStringLiteral("publisher_identification"), true},
                                 {QStringLiteral("subscriber_blackwhite_listing"), true}};
    const Dict subscriberFeatures{{QStringLiteral("pattern_based_subscription"), true},
                                  {QStringLiteral("publisher_identification"), true}};
    return Dict{
        {QStringLiteral("caller"), Dict{{QStringLiteral("features"), callerFeatures}}},
        {QStringLiteral("callee"), Dict{{QStringLiteral("features"), calleeFeatures}}},
        {QStringLiteral("publisher"), Dict{{QStringLiteral("features"), publisherFeatures}}},
        {QStringLiteral("subscriber"), Dict{{QStringLiteral("features"), subscriberFeatures}}},
    };
}

std::optional<Message> FakePeer::hello(const QString &realm, Dict details, int timeoutMs)
{
    if (!details.contains(QStringLiteral("roles")))
        details.insert(QStringLiteral("roles"), defaultRoles());
    send(Message::hello(realm, details));
    QDeadlineTimer deadline(timeoutMs);
    while (true) {
        auto m = next(int(qMax<qint64>(0, deadline.remainingTime())));
        if (!m)
            return std::nullopt;
        if (m->type() == MessageType::Welcome)
            m_sessionId = m->at(1).toUInt64().value_or(0);
        if (m->type() == MessageType::Welcome || m->type() == MessageType::Abort || m->type() == MessageType::Challenge)
            return m;
    }
}

quint64 FakePeer::join(const QString &realm, Dict details)
{
    const auto m = hello(realm, std::move(details));
    if (!m) {
        m_error = QStringLiteral("no reply to HELLO");
        return 0;
    }
    if (m->type() != MessageType::Welcome) {
        m_error = QStringLiteral("expected WELCOME, got %1").arg(m->toValue().toDebugString());
        return 0;
    }
    return m_sessionId;
}

void FakePeer::send(const Message &message)
{
    sendValue(message.toValue());
}

void FakePeer::sendValue(const Value &value)
{
    if (const codec::Serializer *ser = codec::serializer(m_serializer))
        sendRaw(ser->encode(value));
}

void FakePeer::sendRaw(const QByteArray &bytes)
{
    if (m_transport)
        m_transport->send(bytes);
}

void FakePeer::onMessage(const QByteArray &bytes)
{
    const codec::Serializer *ser = codec::serializer(m_serializer);
    const auto m = ser ? codec::decodeMessage(*ser, bytes) : Result<Message>::failure(QString(), QString());
    if (!m.ok()) {
        ++m_undecodable;
        qWarning() << "FakePeer: undecodable message:" << m.errorString();
        return;
    }
    m_received.append(*m);
    m_unread.append(*m);
    emit messageArrived(*m);
}

std::optional<Message> FakePeer::waitFor(MessageType type, int timeoutMs)
{
    auto find = [this, type]() -> qsizetype {
        for (qsizetype i = 0; i < m_unread.size(); ++i) {
            if (m_unread.at(i).type() == type)
                return i;
        }
        return -1;
    };
    if (find() < 0 && !QTest::qWaitFor([&] { return find() >= 0; }, timeoutMs))
        return std::nullopt;
    return m_unread.takeAt(find());
}

std::optional<Message> FakePeer::next(int timeoutMs)
{
    if (m_unread.isEmpty() && !QTest::qWaitFor([this] { return !m_unread.isEmpty(); }, timeoutMs))
        return std::nullopt;
    return m_unread.takeFirst();
}

int FakePeer::pending(MessageType type) const
{
    int n = 0;
    for (const Message &m : m_unread)
        n += m.type() == type ? 1 : 0;
    return n;
}

bool FakePeer::waitClosed(int timeoutMs)
{
    return m_closed || QTest::qWaitFor([this] { return m_closed; }, timeoutMs);
}

std::optional<Message> FakePeer::waitReply(quint64 request, QList<MessageType> types, int timeoutMs)
{
    auto find = [&]() -> qsizetype {
        for (qsizetype i = 0; i < m_unread.size(); ++i) {
            const Message &m = m_unread.at(i);
            if (m.type() == MessageType::Error && m.requestId() == request)
                return i;
            if (types.contains(m.type()) && m.requestId() == request)
                return i;
        }
        return -1;
    };
    if (find() < 0 && !QTest::qWaitFor([&] { return find() >= 0; }, timeoutMs))
        return std::nullopt;
    return m_unread.takeAt(find());
}

bool FakePeer::barrier(int timeoutMs)
{
    const quint64 req = nextRequestId();
    send(Message::call(req, {}, QStringLiteral("wamp.session.count")));
    return waitReply(req, {MessageType::Result}, timeoutMs).has_value();
}

std::optional<Message> FakePeer::subscribe(const QString &topic, const Dict &options)
{
    const quint64 req = nextRequestId();
    send(Message::subscribe(req, options, topic));
    return waitReply(req, {MessageType::Subscribed});
}

std::optional<Message> FakePeer::register_(const QString &procedure, const Dict &options)
{
    const quint64 req = nextRequestId();
    send(Message::register_(req, options, procedure));
    return waitReply(req, {MessageType::Registered});
}

void FakePeer::goodbye(const QString &reason)
{
    send(Message::goodbye({}, reason));
}

void FakePeer::close()
{
    if (m_transport)
        m_transport->close();
}

void FakePeer::abortTransport()
{
    if (m_transport)
        m_transport->abort();
}

} // namespace wb::testing
