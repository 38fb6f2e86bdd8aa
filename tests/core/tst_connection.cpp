// SPDX-License-Identifier: GPL-3.0-or-later
// wb::client::Connection against the built-in router in process: connect, RTT probe, the same Session object
// across reconnects, visible auto-reconnect with backoff after the router goes away, cancel, and no retry when
// the router refuses the credentials.

#include "auth/cryptosign.h"
#include "client/connection.h"
#include "router/router.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTest>

using namespace wb;
using client::Connection;

namespace {

router::RouterConfig config(quint16 port = 0)
{
    router::RouterConfig cfg = router::RouterConfig::defaults();
    cfg.listeners = {router::ListenerConfig{QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(port))}};
    router::UserConfig alice;
    alice.authid = QStringLiteral("alice");
    alice.authmethod = QStringLiteral("ticket");
    alice.secret = QStringLiteral("s3cret");
    cfg.users = {alice};
    return cfg;
}

client::ConnectionProfile profileFor(const QUrl &url)
{
    client::ConnectionProfile p;
    p.id = client::ConnectionProfile::newId();
    p.name = QStringLiteral("test");
    p.url = url;
    return p;
}

} // namespace

class TstConnection : public QObject
{
    Q_OBJECT
private slots:
    void connectProbeAndClose()
    {
        router::Router r(config());
        QVERIFY(r.start().ok());
        Connection c(profileFor(r.listeningUrls().first()));
        session::Session *s = c.session();
        c.setRttProbeInterval(200);
        QSignalSpy rtt(&c, &Connection::rttMeasured);
        c.open();
        QCOMPARE(c.state(), Connection::State::Connecting);
        QTRY_COMPARE(c.state(), Connection::State::Connected);
        QTRY_VERIFY(rtt.size() >= 2); // first probe at join, then every 200 ms
        QVERIFY(c.lastRttUs() > 0);
        QVERIFY(c.lastRttUs() < 5'000'000);
        c.close();
        QCOMPARE(c.state(), Connection::State::Disconnected);
        QTRY_COMPARE(r.sessionCount(), 0);
        c.open();
        QTRY_COMPARE(c.state(), Connection::State::Connected);
        QCOMPARE(c.session(), s); // the same Session object across reconnects
    }

    void reconnectsWithBackoff()
    {
        // find a free port, then run the router on it twice
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 port = probe.serverPort();
        probe.close();
        auto r = std::make_unique<router::Router>(config(port));
        QVERIFY(r->start().ok());
        Connection c(profileFor(r->listeningUrls().first()));
        client::ReconnectPolicy policy;
        policy.initialDelayMs = 100;
        policy.maxDelayMs = 400;
        c.setReconnectPolicy(policy);
        c.open();
        QTRY_COMPARE(c.state(), Connection::State::Connected);

        QSignalSpy countdown(&c, &Connection::reconnectCountdown);
        r.reset(); // the router goes away
        QTRY_COMPARE(c.state(), Connection::State::WaitingToReconnect);
        QVERIFY(c.stateText().startsWith(QStringLiteral("reconnecting in")));
        QVERIFY(!countdown.isEmpty());
        // attempts fail (connection refused) and the delay grows: 100, 200, 400, 400 ...
        QTRY_VERIFY_WITH_TIMEOUT(c.reconnectAttempt() >= 3, 5000);
        QVERIFY(c.reconnectRemainingMs() <= 400);

        r = std::make_unique<router::Router>(config(port));
        QVERIFY(r->start().ok());
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), Connection::State::Connected, 5000);
        QCOMPARE(c.reconnectAttempt(), 0);
        QTRY_COMPARE(r->sessionCount(), 1);
    }

    void cancelReconnect()
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const QUrl url(QStringLiteral("ws://127.0.0.1:%1/ws").arg(probe.serverPort()));
        probe.close(); // nothing listens there
        Connection c(profileFor(url));
        c.open();
        QTRY_COMPARE(c.state(), Connection::State::WaitingToReconnect);
        QCOMPARE(c.reconnectAttempt(), 1);
        c.cancelReconnect();
        QCOMPARE(c.state(), Connection::State::Disconnected);
        QTest::qWait(1500); // longer than the first backoff: no new attempt
        QCOMPARE(c.state(), Connection::State::Disconnected);
    }

    void noAutoReconnect()
    {
        router::Router r(config());
        QVERIFY(r.start().ok());
        client::ConnectionProfile p = profileFor(r.listeningUrls().first());
        p.autoReconnect = false;
        Connection c(p);
        c.open();
        QTRY_COMPARE(c.state(), Connection::State::Connected);
        r.stop();
        QTRY_COMPARE(c.state(), Connection::State::Disconnected);
        QVERIFY(!c.lastError().isEmpty());
    }

    void authFailureIsFinal()
    {
        router::Router r(config());
        QVERIFY(r.start().ok());
        client::ConnectionProfile p = profileFor(r.listeningUrls().first());
        p.authMethod = QStringLiteral("ticket");
        p.authid = QStringLiteral("alice");
        Connection c(p);
        c.setSecret(QStringLiteral("wrong"));
        c.open();
        QTRY_COMPARE(c.state(), Connection::State::Failed);
        QVERIFY2(c.lastError().contains(QStringLiteral("wamp.error.")), qPrintable(c.lastError()));
        QTest::qWait(1500);
        QCOMPARE(c.state(), Connection::State::Failed); // no retry loop against a refusing router
        c.setSecret(QStringLiteral("s3cret"));
        c.open();
        QTRY_COMPARE(c.state(), Connection::State::Connected);
        QCOMPARE(c.session()->welcomeDetails().value(QStringLiteral("authid")).toString(), QStringLiteral("alice"));
    }

    void cryptosignProfile()
    {
        const auth::Ed25519KeyPair key = auth::generateEd25519KeyPair();
        router::RouterConfig cfg = config();
        router::UserConfig bob;
        bob.authid = QStringLiteral("bob");
        bob.authmethod = QStringLiteral("cryptosign");
        bob.authorizedKeys = {QString::fromLatin1(key.publicKey.toHex())};
        cfg.users << bob;
        router::Router r(cfg);
        QVERIFY(r.start().ok());
        client::ConnectionProfile p = profileFor(r.listeningUrls().first());
        p.authMethod = QStringLiteral("cryptosign");
        p.authid = QStringLiteral("bob");
        QVERIFY(p.validate().isEmpty());
        Connection c(p);
        c.setSecret(QStringLiteral("not hex"));
        c.open();
        QCOMPARE(c.state(), Connection::State::Failed); // refused before connecting, with the reason
        QVERIFY2(c.lastError().contains(QStringLiteral("private key")), qPrintable(c.lastError()));
        c.setSecret(QString::fromLatin1(key.seed.toHex()));
        c.open();
        QTRY_COMPARE(c.state(), Connection::State::Connected);
        QCOMPARE(c.session()->welcomeDetails().value(QStringLiteral("authmethod")).toString(), QStringLiteral("cryptosign"));
    }

    void invalidProfileFails()
    {
        client::ConnectionProfile p = profileFor(QUrl(QStringLiteral("http://x:1/")));
        Connection c(p);
        c.open();
        QCOMPARE(c.state(), Connection::State::Failed);
        QVERIFY(c.stateText().contains(QStringLiteral("not supported")));
    }
};

QTEST_GUILESS_MAIN(TstConnection)
#include "tst_connection.moc"
