// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// The fixture tst_transport_contract, tst_websockettransport and tst_rawsockettransport derive from: listeners on
// port 0 (ws, rs, unix socket in a temporary directory), connected client/server pairs, the transport x serializer
// data rows, hand-made RawSocket clients, and a Probe that records what a transport reports.

#include "fakes/testutil.h"

#include "codec/serializer.h"
#include "transport/transport.h"

#include <QLocalSocket>
#include <QPointer>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

Q_DECLARE_METATYPE(wb::codec::SerializerId)

namespace wb::testing::transporttests {

using namespace wb::transport;

inline constexpr qint64 kServerLimit = 2 * 1024 * 1024; // a power of two: RawSocket announces exactly this
inline constexpr int kLongTimeoutMs = 30000;

inline QByteArray makePayload(qsizetype size, bool binary, quint32 seed)
{
    QByteArray out(size, Qt::Uninitialized);
    QRandomGenerator gen(seed);
    for (qsizetype i = 0; i < size; ++i) {
        // Text serializers travel in text frames: keep JSON payloads printable ASCII.
        out[i] = binary ? char(gen.bounded(256)) : char('a' + gen.bounded(26));
    }
    return out;
}

inline QByteArray bytes(std::initializer_list<int> values)
{
    QByteArray out;
    for (int v : values)
        out.append(char(quint8(v)));
    return out;
}

/// Records what a transport reports.
class Probe : public QObject
{
public:
    explicit Probe(Transport *t)
        : transport(t)
    {
        QObject::connect(t, &Transport::opened, this, [this] { ++openedCount; });
        QObject::connect(t, &Transport::messageReceived, this, [this](const QByteArray &m) { messages.append(m); });
        QObject::connect(t, &Transport::errorOccurred, this, [this](TransportError e, const QString &text) {
            errors.append(e);
            errorTexts.append(text);
            errorBeforeClose = closedCount == 0;
        });
        QObject::connect(t, &Transport::closed, this, [this](const QString &reason) {
            ++closedCount;
            closeReason = reason;
        });
    }
    QPointer<Transport> transport;
    int openedCount = 0;
    int closedCount = 0;
    bool errorBeforeClose = true;
    QByteArrayList messages;
    QList<TransportError> errors;
    QStringList errorTexts;
    QString closeReason;
};

class TransportTestBase : public QObject
{
public:
    TransportTestBase() = default;
    Q_DISABLE_COPY_MOVE(TransportTestBase)

protected:
    QTemporaryDir m_dir;
    wb::testing::ListenerWatch m_watch; ///< what the listeners under test accepted and rejected

    QUrl listenUrl(const QString &kind)
    {
        if (kind == QLatin1String("ws"))
            return QUrl(QStringLiteral("ws://127.0.0.1:0"));
        if (kind == QLatin1String("rs"))
            return QUrl(QStringLiteral("rs://127.0.0.1:0"));
        return QUrl(QStringLiteral("unix://") + m_dir.filePath(QStringLiteral("wb.sock")));
    }

    std::unique_ptr<Listener> startListener(const QString &kind, qint64 limit = kServerLimit)
    {
        QString error;
        std::unique_ptr<Listener> listener(createListener(listenUrl(kind), nullptr, &error));
        if (!listener) {
            qWarning() << "createListener failed:" << error;
            return {};
        }
        listener->setMaxMessageSize(limit);
        m_watch.watch(listener.get(), this);
        if (!listener->listen()) {
            qWarning() << "listen failed:" << listener->errorString();
            return {};
        }
        return listener;
    }

    /// Connects a client and waits until both ends are open. Returns {client, server side}.
    std::pair<Transport *, Transport *> connectPair(Listener *listener, codec::SerializerId ser)
    {
        const auto before = m_watch.accepted.size();
        ConnectOptions options;
        options.url = listener->url();
        options.serializer = ser;
        QString error;
        Transport *client = connectTo(options, this, &error);
        if (!client) {
            qWarning() << "connectTo failed:" << error;
            return {nullptr, nullptr};
        }
        QSignalSpy opened(client, &Transport::opened);
        if (!opened.wait(kLongTimeoutMs) && opened.isEmpty()) {
            qWarning() << "client did not open:" << client->errorString();
            return {nullptr, nullptr};
        }
        if (!QTest::qWaitFor([&] { return m_watch.accepted.size() == before + 1; }, kLongTimeoutMs)) {
            qWarning() << "server side did not open";
            return {nullptr, nullptr};
        }
        return {client, m_watch.accepted.last()};
    }

    static bool isBinary(codec::SerializerId ser) { return codec::serializer(ser)->isBinary(); }

    void contractData()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<codec::SerializerId>("ser");
        for (const char *kind : {"ws", "rs", "unix"}) {
            QTest::addRow("%s-json", kind) << QString::fromLatin1(kind) << codec::SerializerId::Json;
            QTest::addRow("%s-msgpack", kind) << QString::fromLatin1(kind) << codec::SerializerId::MsgPack;
            QTest::addRow("%s-cbor", kind) << QString::fromLatin1(kind) << codec::SerializerId::Cbor;
        }
    }

    /// Raw client for rs/unix that speaks the handshake by hand.
    std::unique_ptr<QIODevice> rawConnect(const QString &kind, Listener *listener)
    {
        if (kind == QLatin1String("rs")) {
            auto socket = std::make_unique<QTcpSocket>();
            socket->connectToHost(QHostAddress::LocalHost, quint16(listener->url().port()));
            if (!socket->waitForConnected(kLongTimeoutMs))
                return {};
            return socket;
        }
        auto socket = std::make_unique<QLocalSocket>();
        socket->connectToServer(listener->url().path());
        if (!socket->waitForConnected(kLongTimeoutMs))
            return {};
        return socket;
    }

    static void rawKinds()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("rs") << QStringLiteral("rs");
        QTest::newRow("unix") << QStringLiteral("unix");
    }

    static bool rawIsDisconnected(QIODevice *io)
    {
        if (auto *tcp = qobject_cast<QTcpSocket *>(io))
            return tcp->state() == QAbstractSocket::UnconnectedState;
        return static_cast<QLocalSocket *>(io)->state() == QLocalSocket::UnconnectedState;
    }

    /// initTestCase of every derived test.
    void checkSetup()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(codec::serializer(codec::SerializerId::Json));
        QVERIFY(codec::serializer(codec::SerializerId::MsgPack));
        QVERIFY(codec::serializer(codec::SerializerId::Cbor));
    }

    /// cleanup of every derived test: the accepted and the client transports of the test go.
    void dropTransports()
    {
        m_watch.clear();
        qDeleteAll(findChildren<Transport *>(Qt::FindDirectChildrenOnly));
    }
};

} // namespace wb::testing::transporttests
