// SPDX-License-Identifier: GPL-3.0-or-later
// TLS: wss:// and rss:// transports (client and listener), certificate trust (CA file, pinning, explicit
// "accept any"), clear errors for rejected certificates and unusable certificate/key files, and sessions through
// the built-in router over TLS for every serializer. Certificates are generated at test time with the openssl CLI.
#include "fakes/routerfixture.h"
#include "fakes/testcert.h"
#include "fakes/testutil.h"

#include "codec/serializer.h"
#include "router/router.h"
#include "router/routerconfig.h"
#include "session/session.h"
#include "transport/transport.h"

#include <QCryptographicHash>
#include <QFile>
#include <QPointer>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslKey>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace wb;
using namespace wb::transport;
using namespace wb::wamp;

using wb::testing::RouterFixture;
using wb::testing::s;
using wb::testing::TestCertificate;

namespace {

/// JSON written with single quotes (keeps the test readable; moc trips over some raw string literals).
QByteArray j(const char *t) { return QByteArray(t).replace('\'', '"'); }

/// Records what a client transport reports.
struct Probe
{
    explicit Probe(Transport *t)
    {
        QObject::connect(t, &Transport::opened, t, [this] { ++opened; });
        QObject::connect(t, &Transport::messageReceived, t, [this](const QByteArray &m) { messages.append(m); });
        QObject::connect(t, &Transport::errorOccurred, t, [this](TransportError e, const QString &text) {
            errors.append(e);
            errorTexts.append(text);
        });
        QObject::connect(t, &Transport::closed, t, [this](const QString &) { ++closed; });
    }
    int opened = 0;
    int closed = 0;
    QByteArrayList messages;
    QList<TransportError> errors;
    QStringList errorTexts;
};

} // namespace

class TstTls : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_cert;      ///< self-signed, CN=localhost, SAN IP:127.0.0.1 + DNS:localhost (EC P-256)
    QString m_key;
    QString m_otherCert; ///< self-signed for another host name (DNS:other.example), RSA 2048
    QString m_otherKey;
    QString m_encKey;    ///< m_key encrypted with passphrase "pw1234"
    QByteArray m_certSha256;
    wb::testing::ListenerWatch m_watch; ///< what the listeners under test accepted and rejected

    QString path(const char *name) const { return m_dir.filePath(QString::fromLatin1(name)); }

    QSslConfiguration serverSsl(const QString &cert, const QString &key)
    {
        QSslConfiguration ssl;
        QString error;
        TlsServerFiles files;
        files.certificateFile = cert;
        files.privateKeyFile = key;
        if (!loadServerTls(files, &ssl, &error))
            qWarning() << "loadServerTls:" << error;
        return ssl;
    }

    std::unique_ptr<Listener> startListener(const QString &scheme, const QString &cert, const QString &key)
    {
        QString error;
        const QUrl url(scheme == u"wss" ? s("wss://127.0.0.1:0/ws") : s("rss://127.0.0.1:0"));
        std::unique_ptr<Listener> listener(createListener(url, nullptr, &error));
        if (!listener) {
            qWarning() << "createListener:" << error;
            return {};
        }
        listener->setSslConfiguration(serverSsl(cert, key));
        m_watch.watch(listener.get(), this);
        if (!listener->listen()) {
            qWarning() << "listen:" << listener->errorString();
            return {};
        }
        return listener;
    }

    ConnectOptions clientOptions(const Listener &listener, codec::SerializerId ser = codec::SerializerId::Json)
    {
        ConnectOptions o;
        o.url = listener.url();
        o.serializer = ser;
        o.connectTimeoutMs = 15000;
        return o;
    }

    static void schemes()
    {
        QTest::addColumn<QString>("scheme");
        QTest::newRow("wss") << s("wss");
        QTest::newRow("rss") << s("rss");
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(QSslSocket::supportsSsl(), "Qt has no TLS backend");
        const TestCertificate server = TestCertificate::generate(m_dir.path());
        QVERIFY2(server.ok(), qPrintable(server.error));
        m_cert = server.certificateFile;
        m_key = server.keyFile;
        const TestCertificate other = TestCertificate::generate(m_dir.path(), s("DNS:other.example"), s("other.example"),
                                                                TestCertificate::Key::Rsa2048, s("other"));
        QVERIFY2(other.ok(), qPrintable(other.error));
        m_otherCert = other.certificateFile;
        m_otherKey = other.keyFile;
        m_encKey = path("server-enc.key");
        QString error;
        QVERIFY2(TestCertificate::encryptKey(m_key, s("pw1234"), m_encKey, &error), qPrintable(error));
        m_certSha256 = server.sha256();
        QCOMPARE(m_certSha256.size(), 32);
    }

    void cleanup()
    {
        m_watch.clear();
    }

    // ---- transport level --------------------------------------------------------------------------------

    void roundTripWithCaFile_data()
    {
        QTest::addColumn<QString>("scheme");
        QTest::addColumn<int>("serializer");
        for (const char *scheme : {"wss", "rss"})
            for (auto ser : {codec::SerializerId::Json, codec::SerializerId::MsgPack, codec::SerializerId::Cbor})
                QTest::addRow("%s-%s", scheme, qPrintable(codec::serializer(ser)->name())) << s(scheme) << int(ser);
    }
    void roundTripWithCaFile()
    {
        QFETCH(QString, scheme);
        QFETCH(int, serializer);
        auto listener = startListener(scheme, m_cert, m_key);
        QVERIFY(listener);
        ConnectOptions o = clientOptions(*listener, codec::SerializerId(serializer));
        o.tls.caFile = m_cert; // the self-signed certificate is its own CA
        QString error;
        std::unique_ptr<Transport> client(connectTo(o, nullptr, &error));
        QVERIFY2(client, qPrintable(error));
        Probe probe(client.get());
        QTRY_COMPARE_WITH_TIMEOUT(probe.opened, 1, 15000);
        QVERIFY2(probe.errors.isEmpty(), qPrintable(probe.errorTexts.join(u'\n')));
        QTRY_COMPARE(m_watch.accepted.size(), 1);
        Transport *server = m_watch.accepted.first();
        QCOMPARE(client->kind(), scheme == u"wss" ? s("websocket-tls") : s("rawsocket-tls"));
        QCOMPARE(server->kind(), client->kind());
        QCOMPARE(int(server->serializerId()), serializer);
        Probe serverProbe(server);

        const QByteArray message = codec::serializer(codec::SerializerId(serializer))->encode(List{1, s("realm1"), Dict{}});
        QVERIFY(client->send(message));
        QTRY_COMPARE(serverProbe.messages.size(), 1);
        QCOMPARE(serverProbe.messages.first(), message);
        QVERIFY(server->send(message + message.right(0)));
        QTRY_COMPARE(probe.messages.size(), 1);
        QCOMPARE(probe.messages.first(), message);
        // A large message crosses many TLS records intact.
        const QByteArray big = codec::serializer(codec::SerializerId(serializer))
                                   ->encode(List{16, 1, Dict{}, s("com.example.big"), List{QString(300000, u'x')}});
        QVERIFY(client->send(big));
        QTRY_COMPARE(serverProbe.messages.size(), 2);
        QCOMPARE(serverProbe.messages.at(1), big);
        client->close();
        QTRY_COMPARE(probe.closed, 1);
        QTRY_COMPARE(serverProbe.closed, 1);
    }

    void untrustedCertificateFails_data() { schemes(); }
    void untrustedCertificateFails()
    {
        QFETCH(QString, scheme);
        auto listener = startListener(scheme, m_cert, m_key);
        QVERIFY(listener);
        std::unique_ptr<Transport> client(connectTo(clientOptions(*listener), nullptr));
        QVERIFY(client);
        Probe probe(client.get());
        QTRY_COMPARE_WITH_TIMEOUT(probe.closed, 1, 15000);
        QCOMPARE(probe.opened, 0);
        QCOMPARE(probe.errors, QList<TransportError>{TransportError::TlsError});
        const QString text = probe.errorTexts.first();
        // Which certificate and why.
        QVERIFY2(text.contains(s("TLS certificate of 127.0.0.1:%1 rejected").arg(listener->url().port())), qPrintable(text));
        QVERIFY2(text.contains(s("self-signed"), Qt::CaseInsensitive), qPrintable(text));
        QVERIFY2(text.contains(s("CN=localhost")), qPrintable(text));
        QVERIFY2(text.contains(QString::fromLatin1(m_certSha256.toHex(':').toUpper())), qPrintable(text));
        QVERIFY(m_watch.accepted.isEmpty());
        if (scheme == u"rss") // the listener logs the failed TLS handshake of that client
            QTRY_VERIFY2(!m_watch.rejected.isEmpty(), "no connectionRejected for the failed TLS handshake");
    }

    void wrongHostNameFails_data() { schemes(); }
    void wrongHostNameFails()
    {
        QFETCH(QString, scheme);
        auto listener = startListener(scheme, m_otherCert, m_otherKey);
        QVERIFY(listener);
        ConnectOptions o = clientOptions(*listener);
        o.tls.caFile = m_otherCert; // trusted, but issued for other.example, not 127.0.0.1
        std::unique_ptr<Transport> client(connectTo(o, nullptr));
        Probe probe(client.get());
        QTRY_COMPARE_WITH_TIMEOUT(probe.closed, 1, 15000);
        QCOMPARE(probe.opened, 0);
        QCOMPARE(probe.errors, QList<TransportError>{TransportError::TlsError});
        QVERIFY2(probe.errorTexts.first().contains(s("host name did not match"), Qt::CaseInsensitive), qPrintable(probe.errorTexts.first()));
        QVERIFY2(probe.errorTexts.first().contains(s("CN=other.example")), qPrintable(probe.errorTexts.first()));
    }

    void acceptAnyCertificateOnRequest_data() { schemes(); }
    void acceptAnyCertificateOnRequest()
    {
        QFETCH(QString, scheme);
        auto listener = startListener(scheme, m_otherCert, m_otherKey); // untrusted and for another host
        QVERIFY(listener);
        ConnectOptions o = clientOptions(*listener);
        o.tls.acceptAnyCertificate = true;
        std::unique_ptr<Transport> client(connectTo(o, nullptr));
        Probe probe(client.get());
        QTRY_COMPARE_WITH_TIMEOUT(probe.opened, 1, 15000);
        QVERIFY(probe.errors.isEmpty());
        QTRY_COMPARE(m_watch.accepted.size(), 1);
    }

    void pinnedFingerprint_data()
    {
        QTest::addColumn<QString>("scheme");
        QTest::addColumn<bool>("rightPin");
        QTest::addColumn<bool>("withCa");
        for (const char *scheme : {"wss", "rss"}) {
            QTest::addRow("%s-right-pin", scheme) << s(scheme) << true << false;
            QTest::addRow("%s-wrong-pin", scheme) << s(scheme) << false << false;
            // The chain is trusted, the pin still has to match.
            QTest::addRow("%s-wrong-pin-trusted-ca", scheme) << s(scheme) << false << true;
        }
    }
    void pinnedFingerprint()
    {
        QFETCH(QString, scheme);
        QFETCH(bool, rightPin);
        QFETCH(bool, withCa);
        auto listener = startListener(scheme, m_cert, m_key);
        QVERIFY(listener);
        ConnectOptions o = clientOptions(*listener);
        o.tls.pinnedSha256 = rightPin ? m_certSha256 : QCryptographicHash::hash("another", QCryptographicHash::Sha256);
        if (withCa)
            o.tls.caFile = m_cert;
        std::unique_ptr<Transport> client(connectTo(o, nullptr));
        Probe probe(client.get());
        QTRY_VERIFY_WITH_TIMEOUT(probe.opened == 1 || probe.closed == 1, 15000);
        if (rightPin) {
            QCOMPARE(probe.opened, 1);
            QVERIFY(probe.errors.isEmpty());
        } else {
            QTRY_COMPARE(probe.closed, 1);
            QCOMPARE(probe.opened, 0);
            QCOMPARE(probe.errors, QList<TransportError>{TransportError::TlsError});
            QVERIFY2(probe.errorTexts.first().contains(s("does not match the pinned SHA-256 fingerprint")), qPrintable(probe.errorTexts.first()));
        }
    }

    void clientConfigErrors()
    {
        ConnectOptions o;
        o.url = QUrl(s("wss://127.0.0.1:9/ws"));
        o.tls.caFile = path("missing-ca.pem");
        QString error;
        QVERIFY(!connectTo(o, nullptr, &error));
        QVERIFY2(error.contains(s("cannot read CA file")) && error.contains(o.tls.caFile), qPrintable(error));

        QFile junk(path("junk.pem"));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("not a certificate\n");
        junk.close();
        o.url = QUrl(s("rss://127.0.0.1:9"));
        o.tls.caFile = junk.fileName();
        QVERIFY(!connectTo(o, nullptr, &error));
        QVERIFY2(error.contains(s("holds no PEM or DER certificate")), qPrintable(error));

        o.tls.caFile.clear();
        o.tls.pinnedSha256 = QByteArray(20, 'x');
        QVERIFY(!connectTo(o, nullptr, &error));
        QVERIFY2(error.contains(s("SHA-256")), qPrintable(error));
    }

    void serverFileErrors_data()
    {
        QTest::addColumn<QString>("cert");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QByteArray>("passphrase");
        QTest::addColumn<QString>("expected"); // empty: loads
        const QString junk = m_dir.filePath(s("junk.pem"));
        QFile f(junk);
        f.open(QIODevice::WriteOnly);
        f.write("-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n");
        f.close();
        QTest::newRow("ok") << m_cert << m_key << QByteArray() << QString();
        QTest::newRow("rsa-ok") << m_otherCert << m_otherKey << QByteArray() << QString();
        QTest::newRow("missing-cert") << path("nope.crt") << m_key << QByteArray() << s("cannot read certificate %1").arg(path("nope.crt"));
        QTest::newRow("missing-key") << m_cert << path("nope.key") << QByteArray() << s("cannot read private key %1").arg(path("nope.key"));
        QTest::newRow("junk-cert") << junk << m_key << QByteArray() << s("holds no PEM or DER certificate");
        QTest::newRow("key-is-a-cert") << m_cert << m_cert << QByteArray() << s("is not a readable RSA or EC private key");
        QTest::newRow("key-of-other-cert") << m_cert << m_otherKey << QByteArray() << s("does not match certificate");
        QTest::newRow("encrypted-no-pass") << m_cert << m_encKey << QByteArray() << s("is encrypted and no passphrase was given");
        QTest::newRow("encrypted-wrong-pass") << m_cert << m_encKey << QByteArray("nope") << s("or the passphrase is wrong");
        QTest::newRow("encrypted-ok") << m_cert << m_encKey << QByteArray("pw1234") << QString();
    }
    void serverFileErrors()
    {
        QFETCH(QString, cert);
        QFETCH(QString, key);
        QFETCH(QByteArray, passphrase);
        QFETCH(QString, expected);
        TlsServerFiles files;
        files.certificateFile = cert;
        files.privateKeyFile = key;
        files.keyPassphrase = passphrase;
        QSslConfiguration ssl;
        QString error;
        const bool ok = loadServerTls(files, &ssl, &error);
        if (expected.isEmpty()) {
            QVERIFY2(ok, qPrintable(error));
            QVERIFY(!ssl.privateKey().isNull());
            QCOMPARE(ssl.localCertificate().isNull(), false);
        } else {
            QVERIFY(!ok);
            QVERIFY2(error.contains(expected), qPrintable(error));
        }
    }

    void listenerWithoutCertificate_data() { schemes(); }
    void listenerWithoutCertificate()
    {
        QFETCH(QString, scheme);
        std::unique_ptr<Listener> l(createListener(QUrl(scheme + s("://127.0.0.1:0")), nullptr));
        QVERIFY(l);
        QVERIFY(!l->listen());
        QVERIFY2(l->errorString().contains(s("needs a certificate and a private key")), qPrintable(l->errorString()));
    }

    // ---- router -----------------------------------------------------------------------------------------

    void routerSessions_data()
    {
        QTest::addColumn<QString>("scheme");
        QTest::addColumn<int>("serializer");
        for (const char *scheme : {"wss", "rss"})
            for (auto ser : {codec::SerializerId::Json, codec::SerializerId::MsgPack, codec::SerializerId::Cbor})
                QTest::addRow("%s-%s", scheme, qPrintable(codec::serializer(ser)->name())) << s(scheme) << int(ser);
    }
    void routerSessions()
    {
        QFETCH(QString, scheme);
        QFETCH(int, serializer);
        router::RouterConfig config = router::RouterConfig::defaults();
        config.listeners.clear();
        router::ListenerConfig lc;
        lc.url = QUrl(scheme == u"wss" ? s("wss://127.0.0.1:0/ws") : s("rss://127.0.0.1:0"));
        lc.tls.certificateFile = m_cert;
        lc.tls.keyFile = m_key;
        RouterFixture f;
        QVERIFY(f.start(config, {lc}));
        QList<router::SessionInfo> joined;
        connect(f.router.get(), &router::Router::sessionJoined, this, [&](const router::SessionInfo &i) { joined.append(i); });
        QCOMPARE(f.router->listeningUrls().size(), 1);

        transport::ConnectOptions c;
        c.url = f.router->listeningUrls().first();
        c.serializer = codec::SerializerId(serializer);
        c.tls.caFile = m_cert;
        session::SessionOptions so;
        so.realm = s("realm1");
        auto callee = RouterFixture::joinWith(c, so, 15000);
        auto caller = RouterFixture::joinWith(c, so, 15000);
        QVERIFY(callee && caller);
        QTRY_COMPARE(joined.size(), 2);
        QCOMPARE(joined.first().transport, scheme == u"wss" ? s("websocket-tls") : s("rawsocket-tls"));

        QVERIFY(RouterFixture::registerEcho(*callee, s("com.example.tls.echo")));
        const List args{s("h\u00e9llo"), 9007199254740992ll, Value::bytes(QByteArray("\x00\xff", 2))};
        const auto result = RouterFixture::call(*caller, s("com.example.tls.echo"), args, Dict{{s("k"), 1}});
        QVERIFY2(result.ok, qPrintable(result.error.toString()));
        QCOMPARE(Value(result.result.args), Value(args));
        QCOMPARE(Value(result.result.kwargs), Value(Dict{{s("k"), 1}}));
    }

    void routerBadCertificateFailsToStart_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("cert");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("expected");
        QTest::newRow("wss-missing-cert") << s("wss://127.0.0.1:0/ws") << path("missing.crt") << m_key
                                          << s("cannot listen on wss://127.0.0.1:0/ws: cannot read certificate %1").arg(path("missing.crt"));
        QTest::newRow("rss-missing-key") << s("rss://127.0.0.1:0") << m_cert << path("missing.key")
                                         << s("cannot listen on rss://127.0.0.1:0: cannot read private key %1").arg(path("missing.key"));
        QTest::newRow("rss-mismatch") << s("rss://127.0.0.1:0") << m_cert << m_otherKey << s("does not match certificate");
    }
    void routerBadCertificateFailsToStart()
    {
        QFETCH(QString, url);
        QFETCH(QString, cert);
        QFETCH(QString, key);
        QFETCH(QString, expected);
        router::RouterConfig config = router::RouterConfig::defaults();
        config.listeners.clear();
        config.listeners.append(router::ListenerConfig{QUrl(s("ws://127.0.0.1:0/ws"))});
        router::ListenerConfig lc;
        lc.url = QUrl(url);
        lc.tls.certificateFile = cert;
        lc.tls.keyFile = key;
        config.listeners.append(lc);
        router::Router r(config);
        const Status st = r.start();
        QVERIFY(!st.ok());
        QVERIFY2(st.errorString().contains(expected), qPrintable(st.errorString()));
        QVERIFY(!r.isListening()); // the ws listener started first was closed again
    }

    void routerConfigTls_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected"); // empty: valid
        QTest::newRow("wss-ok") << j("{'listeners':[{'url':'wss://127.0.0.1:8443/ws','tls':{'certificate':'a.crt','key':'a.key'}}]}")
                                << QString();
        QTest::newRow("rss-full") << j("{'listeners':[{'url':'rss://127.0.0.1:8444','tls':{'certificate':'a.crt','key':'a.key',"
                                                "'chain_certificates':['ca.crt'],'key_passphrase':'pw'}}]}")
                                  << QString();
        QTest::newRow("tcps-ok") << j("{'listeners':[{'url':'tcps://127.0.0.1:8444','tls':{'certificate':'a.crt','key':'a.key'}}]}")
                                 << QString();
        QTest::newRow("wss-without-tls") << j("{'listeners':[{'url':'wss://127.0.0.1:8443/ws'}]}")
                                         << s("config: listeners[0] (wss://127.0.0.1:8443/ws) needs tls.certificate and tls.key");
        QTest::newRow("rss-without-key") << j("{'listeners':[{'url':'rss://127.0.0.1:1','tls':{'certificate':'a.crt'}}]}")
                                         << s("needs tls.certificate and tls.key");
        QTest::newRow("tls-on-ws") << j("{'listeners':[{'url':'ws://127.0.0.1:1/ws','tls':{'certificate':'a.crt','key':'a.key'}}]}")
                                   << s("listeners[0].tls is only valid for wss://, rss:// and tcps:// URLs");
        QTest::newRow("tls-unknown-key") << j("{'listeners':[{'url':'wss://127.0.0.1:1/ws','tls':{'cert':'a.crt','key':'a.key'}}]}")
                                         << s("unknown key \"cert\" in listeners[0].tls");
        QTest::newRow("tls-not-object") << j("{'listeners':[{'url':'wss://127.0.0.1:1/ws','tls':'a.crt'}]}")
                                        << s("listeners[0].tls must be an object, got a string");
        QTest::newRow("chain-not-list") << j("{'listeners':[{'url':'wss://127.0.0.1:1/ws','tls':{'certificate':'a','key':'b','chain_certificates':'c'}}]}")
                                        << s("listeners[0].tls.chain_certificates must be a list of strings");
    }
    void routerConfigTls()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        const auto c = router::RouterConfig::fromJson(json);
        if (expected.isEmpty()) {
            QVERIFY2(c.ok(), qPrintable(c.errorString()));
            QCOMPARE(c->listeners.first().tls.certificateFile, s("a.crt"));
            QCOMPARE(c->listeners.first().tls.keyFile, s("a.key"));
        } else {
            QVERIFY(!c.ok());
            QVERIFY2(c.errorString().contains(expected), qPrintable(c.errorString()));
        }
    }

    void routerConfigFileResolvesRelativePaths()
    {
        QFile f(path("router.json"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(j("{'listeners':[{'url':'wss://127.0.0.1:0/ws','tls':{'certificate':'server.crt','key':'/abs/server.key'}}]}"));
        f.close();
        const auto c = router::RouterConfig::fromFile(f.fileName());
        QVERIFY2(c.ok(), qPrintable(c.errorString()));
        QCOMPARE(c->listeners.first().tls.certificateFile, m_cert);
        QCOMPARE(c->listeners.first().tls.keyFile, s("/abs/server.key"));
    }
};

QTEST_GUILESS_MAIN(TstTls)
#include "tst_tls.moc"
