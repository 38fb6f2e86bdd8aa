// SPDX-License-Identifier: GPL-3.0-or-later
// wb::client::Connection against the built-in router in process: connect, RTT probe, the same Session object
// across reconnects, visible auto-reconnect with backoff after the router goes away, cancel, and no retry when
// the router refuses the credentials; the profile's TLS trust settings against a wss/rss router with a
// self-signed certificate (generated with the openssl CLI), and a rejected certificate shown in the state text.

#include "fakes/routerfixture.h"
#include "fakes/testcert.h"
#include "fakes/testutil.h"

#include "auth/cryptosign.h"
#include "client/connection.h"
#include "router/router.h"

#include <QSignalSpy>
#include <QSslSocket>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace wb;
using client::Connection;
using wb::testing::profileFor;
using wb::testing::RouterFixture;
using wb::testing::TestCertificate;

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

/// A first backoff far below the default 1 s: the reconnect tests stay quick without tight margins.
client::ReconnectPolicy quickPolicy(int initialDelayMs = 50)
{
    client::ReconnectPolicy p;
    p.initialDelayMs = initialDelayMs;
    return p;
}

/// Clock for "no new attempt" checks: a Connection to the dead \a url with a 200 ms backoff, waited on until it
/// has started its second attempt. Both connections' retry timers live on this thread and Qt fires due timers in
/// deadline order, so any retry of a 50 ms backoff scheduled before the clock started would have run by then.
bool clockPassed(const QUrl &url)
{
    Connection clock(profileFor(url));
    clock.setReconnectPolicy(quickPolicy(200));
    clock.open();
    return QTest::qWaitFor([&] { return clock.reconnectAttempt() >= 2; }, 10000);
}

/// A URL where nothing listens (a port just freed).
QUrl deadUrl()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return {};
    const QUrl url(QStringLiteral("ws://127.0.0.1:%1/ws").arg(probe.serverPort()));
    probe.close();
    return url;
}

} // namespace

class TstConnection : public QObject
{
    Q_OBJECT
private slots:
    void tls_data()
    {
        QTest::addColumn<QString>("scheme");
        QTest::addColumn<QString>("trust"); // none | ca | insecure | pin | wrongpin
        QTest::addColumn<bool>("joins");
        for (const char *scheme : {"wss", "rss"}) {
            const QString sc = QString::fromLatin1(scheme);
            QTest::addRow("%s ca file", scheme) << sc << QStringLiteral("ca") << true;
            QTest::addRow("%s untrusted", scheme) << sc << QStringLiteral("none") << false;
            QTest::addRow("%s insecure", scheme) << sc << QStringLiteral("insecure") << true;
            QTest::addRow("%s pin", scheme) << sc << QStringLiteral("pin") << true;
            QTest::addRow("%s wrong pin", scheme) << sc << QStringLiteral("wrongpin") << false;
        }
    }
    void tls()
    {
        QFETCH(QString, scheme);
        QFETCH(QString, trust);
        QFETCH(bool, joins);
        QVERIFY2(QSslSocket::supportsSsl(), "Qt has no TLS backend");
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const TestCertificate tc = TestCertificate::generate(dir.path());
        QVERIFY2(tc.ok(), qPrintable(tc.error));
        const QString cert = tc.certificateFile;
        const QString key = tc.keyFile;

        router::RouterConfig cfg = router::RouterConfig::defaults();
        router::ListenerConfig lc;
        lc.url = QUrl(scheme == u"wss" ? QStringLiteral("wss://127.0.0.1:0/ws") : QStringLiteral("rss://127.0.0.1:0"));
        lc.tls.certificateFile = cert;
        lc.tls.keyFile = key;
        RouterFixture f;
        QVERIFY(f.start(cfg, {lc}));
        const QUrl url = f.router->listeningUrls().value(0);

        settings::ConnectionProfile p = profileFor(url);
        const QByteArray sha = tc.sha256();
        QCOMPARE(sha.size(), 32);
        if (trust == u"ca")
            p.tlsCaFile = cert; // the self-signed certificate is its own CA
        else if (trust == u"insecure")
            p.tlsInsecure = true;
        else if (trust == u"pin")
            p.tlsPinSha256 = QString::fromLatin1(sha.toHex(':'));
        else if (trust == u"wrongpin")
            p.tlsPinSha256 = QString::fromLatin1(QCryptographicHash::hash("other", QCryptographicHash::Sha256).toHex());
        QVERIFY2(p.validate().isEmpty(), qPrintable(p.validate().join(QLatin1Char(' '))));
        Connection c(p);
        c.open();
        QTRY_VERIFY_WITH_TIMEOUT(c.state() == Connection::State::Connected || c.state() == Connection::State::Failed
                                     || c.state() == Connection::State::WaitingToReconnect,
                                 10000);
        if (joins) {
            QVERIFY2(c.state() == Connection::State::Connected, qPrintable(c.stateText()));
            QTRY_COMPARE(f.router->sessionCount(), 1);
            c.close();
            return;
        }
        // a rejected certificate is not retried (the profile's trust settings must change) and the window shows why:
        // which certificate (host:port, subject, fingerprint) and the reason
        QVERIFY2(c.state() == Connection::State::Failed, qPrintable(c.stateText()));
        const QString text = c.stateText();
        QVERIFY2(text.startsWith(QStringLiteral("failed: ")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("TLS certificate of 127.0.0.1:%1 %2")
                                   .arg(url.port())
                                   .arg(trust == u"wrongpin" ? QStringLiteral("does not match the pinned") : QStringLiteral("rejected"))),
                 qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("localhost")), qPrintable(text));              // the certificate's subject
        QVERIFY2(text.contains(QString::fromLatin1(sha.toHex(':')), Qt::CaseInsensitive), qPrintable(text)); // and fingerprint
        QCOMPARE(c.reconnectAttempt(), 0);
        QCOMPARE(f.router->sessionCount(), 0);
    }

    void connectProbeAndClose()
    {
        RouterFixture f;
        QVERIFY(f.start(config()));
        Connection c(profileFor(f.ws));
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
        QTRY_COMPARE(f.router->sessionCount(), 0);
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
        auto r = std::make_unique<RouterFixture>();
        QVERIFY(r->start(config(port), config(port).listeners));
        Connection c(profileFor(r->ws));
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

        r = std::make_unique<RouterFixture>();
        QVERIFY(r->start(config(port), config(port).listeners));
        QTRY_COMPARE_WITH_TIMEOUT(c.state(), Connection::State::Connected, 5000);
        QCOMPARE(c.reconnectAttempt(), 0);
        QTRY_COMPARE(r->router->sessionCount(), 1);
    }

    void cancelReconnect()
    {
        const QUrl url = deadUrl(); // nothing listens there
        QVERIFY(url.isValid());
        Connection c(profileFor(url));
        c.setReconnectPolicy(quickPolicy());
        c.open();
        QTRY_COMPARE(c.state(), Connection::State::WaitingToReconnect);
        QCOMPARE(c.reconnectAttempt(), 1);
        c.cancelReconnect();
        QCOMPARE(c.state(), Connection::State::Disconnected);
        QSignalSpy changes(&c, &Connection::stateChanged);
        QVERIFY(clockPassed(url)); // well past the 50 ms backoff: no new attempt
        QCOMPARE(changes.size(), 0);
        QCOMPARE(c.state(), Connection::State::Disconnected);
    }

    void noAutoReconnect()
    {
        RouterFixture f;
        QVERIFY(f.start(config()));
        settings::ConnectionProfile p = profileFor(f.ws);
        p.autoReconnect = false;
        Connection c(p);
        c.open();
        QTRY_COMPARE(c.state(), Connection::State::Connected);
        f.router->stop();
        QTRY_COMPARE(c.state(), Connection::State::Disconnected);
        QVERIFY(!c.lastError().isEmpty());
    }

    void authFailureIsFinal()
    {
        RouterFixture f;
        QVERIFY(f.start(config()));
        settings::ConnectionProfile p = profileFor(f.ws);
        p.authMethod = QStringLiteral("ticket");
        p.authid = QStringLiteral("alice");
        Connection c(p);
        c.setReconnectPolicy(quickPolicy());
        c.setSecret(QStringLiteral("wrong"));
        c.open();
        QTRY_COMPARE(c.state(), Connection::State::Failed);
        QVERIFY2(c.lastError().contains(QStringLiteral("wamp.error.")), qPrintable(c.lastError()));
        QSignalSpy changes(&c, &Connection::stateChanged);
        QVERIFY(clockPassed(deadUrl())); // well past a 50 ms backoff
        QCOMPARE(changes.size(), 0);
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
        RouterFixture f;
        QVERIFY(f.start(cfg));
        settings::ConnectionProfile p = profileFor(f.ws);
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
        settings::ConnectionProfile p = profileFor(QUrl(QStringLiteral("http://x:1/")));
        Connection c(p);
        c.open();
        QCOMPARE(c.state(), Connection::State::Failed);
        QVERIFY(c.stateText().contains(QStringLiteral("not supported")));
    }
};

QTEST_GUILESS_MAIN(TstConnection)
#include "tst_connection.moc"
