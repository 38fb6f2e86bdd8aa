// SPDX-License-Identifier: GPL-3.0-or-later
// Connection profiles: validation, JSON round trip, import/export without secrets, QSettings storage,
// the in-memory secret store and the reconnect backoff sequence.

#include "settings/connectionprofile.h"
#include "client/reconnectpolicy.h"
#include "settings/secretstore.h"

#include <QJsonDocument>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace wb;
using settings::ConnectionProfile;

class TstConnectionProfile : public QObject
{
    Q_OBJECT
private slots:
    void validate_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("realm");
        QTest::addColumn<QString>("serializer");
        QTest::addColumn<QString>("authmethod");
        QTest::addColumn<QString>("authid");
        QTest::addColumn<QString>("problem"); // empty: valid
        QTest::newRow("ws") << "ws://127.0.0.1:8080/ws" << "realm1" << "json" << "anonymous" << "" << "";
        QTest::newRow("wss") << "wss://example.com:443/ws" << "realm1" << "msgpack" << "anonymous" << "" << "";
        QTest::newRow("rs") << "rs://127.0.0.1:8081" << "realm1" << "cbor" << "anonymous" << "" << "";
        QTest::newRow("rss") << "rss://example.com:8081" << "realm1" << "json" << "anonymous" << "" << "";
        QTest::newRow("unix") << "unix:///tmp/x.sock" << "realm1" << "json" << "anonymous" << "" << "";
        QTest::newRow("ticket") << "ws://h:1/ws" << "r" << "json" << "ticket" << "alice" << "";
        QTest::newRow("http scheme") << "http://h:1/" << "r" << "json" << "anonymous" << "" << "not supported";
        QTest::newRow("no port") << "ws://h/ws" << "r" << "json" << "anonymous" << "" << "needs a port";
        QTest::newRow("no host") << "rs://:8081" << "r" << "json" << "anonymous" << "" << "no host";
        QTest::newRow("unix no path") << "unix://" << "r" << "json" << "anonymous" << "" << "socket path";
        QTest::newRow("empty realm") << "ws://h:1/ws" << " " << "json" << "anonymous" << "" << "realm";
        QTest::newRow("bad serializer") << "ws://h:1/ws" << "r" << "xml" << "anonymous" << "" << "serializer";
        QTest::newRow("bad method") << "ws://h:1/ws" << "r" << "json" << "kerberos" << "" << "auth method";
        QTest::newRow("wampcra no authid") << "ws://h:1/ws" << "r" << "json" << "wampcra" << "" << "auth ID";
    }
    void validate()
    {
        QFETCH(QString, url);
        QFETCH(QString, realm);
        QFETCH(QString, serializer);
        QFETCH(QString, authmethod);
        QFETCH(QString, authid);
        QFETCH(QString, problem);
        ConnectionProfile p;
        p.name = QStringLiteral("x");
        p.url = QUrl(url);
        p.realm = realm;
        p.serializer = serializer;
        p.authMethod = authmethod;
        p.authid = authid;
        const QStringList problems = p.validate();
        if (problem.isEmpty())
            QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char(' '))));
        else
            QVERIFY2(problems.join(QLatin1Char(' ')).contains(problem), qPrintable(problems.join(QLatin1Char(' '))));
    }

    void jsonRoundTrip()
    {
        ConnectionProfile p;
        p.id = ConnectionProfile::newId();
        p.name = QStringLiteral("Prod");
        p.url = QUrl(QStringLiteral("rss://router.example.com:8443"));
        p.realm = QStringLiteral("com.example");
        p.serializer = QStringLiteral("msgpack");
        p.authMethod = QStringLiteral("wampcra");
        p.authid = QStringLiteral("peter");
        p.authrole = QStringLiteral("backend");
        p.autoReconnect = false;
        p.connectOnStart = true;
        p.secretStorage = ConnectionProfile::SecretStorage::SessionOnly;
        Result<ConnectionProfile> back = ConnectionProfile::fromJson(p.toJson());
        QVERIFY2(back.ok(), qPrintable(back.errorString()));
        QCOMPARE(*back, p);
    }

    void exportHasNoSecretAndImports()
    {
        ConnectionProfile a;
        a.name = QStringLiteral("A");
        a.id = ConnectionProfile::newId();
        ConnectionProfile b = a;
        b.id = ConnectionProfile::newId();
        b.name = QStringLiteral("B \"quoted\"");
        b.authMethod = QStringLiteral("ticket");
        b.authid = QStringLiteral("alice");
        const QByteArray json = settings::exportProfiles({a, b});
        QVERIFY(!json.contains("secret\""));
        QVERIFY(!json.contains("s3cret"));
        Result<QList<ConnectionProfile>> back = settings::importProfiles(json);
        QVERIFY2(back.ok(), qPrintable(back.errorString()));
        QCOMPARE(back->size(), 2);
        QCOMPARE(back->at(1), b);
        // a bare array works too
        Result<QList<ConnectionProfile>> bare = settings::importProfiles("[" + QJsonDocument(a.toJson()).toJson() + "]");
        QVERIFY(bare.ok());
        QCOMPARE(bare->first(), a);
    }

    void importRejects_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("reason");
        QTest::newRow("not json") << QByteArray("{nope") << "Not valid JSON";
        QTest::newRow("wrong shape") << QByteArray("{\"x\":1}") << "Expected";
        QTest::newRow("entry not object") << QByteArray("[1]") << "Profile 1 is not an object";
        QTest::newRow("secret smuggled") << QByteArray("[{\"name\":\"a\",\"url\":\"ws://h:1/ws\",\"secret\":\"x\"}]")
                                         << "must not contain \"secret\"";
        QTest::newRow("missing url") << QByteArray("[{\"name\":\"a\"}]") << "\"url\" is missing";
        QTest::newRow("wrong type") << QByteArray("[{\"name\":\"a\",\"url\":\"ws://h:1/ws\",\"auto_reconnect\":\"yes\"}]")
                                    << "true or false";
        QTest::newRow("bad scheme") << QByteArray("[{\"name\":\"a\",\"url\":\"ftp://h:1/\"}]") << "not supported";
        QTest::newRow("second bad") << QByteArray("[{\"name\":\"a\",\"url\":\"ws://h:1/ws\"},{\"name\":\"\",\"url\":\"ws://h:1/ws\"}]")
                                    << "Profile 2";
    }
    void importRejects()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, reason);
        Result<QList<ConnectionProfile>> r = settings::importProfiles(json);
        QVERIFY(!r.ok());
        QVERIFY2(r.errorString().contains(reason), qPrintable(r.errorString()));
    }

    void settingsStoreHasNoSecret()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("s.ini"));
        ConnectionProfile p;
        p.id = ConnectionProfile::newId();
        p.name = QStringLiteral("T");
        p.authMethod = QStringLiteral("ticket");
        p.authid = QStringLiteral("alice");
        {
            QSettings s(path, QSettings::IniFormat);
            settings::ProfileStore store(&s);
            QVERIFY(!store.hasSavedProfiles());
            store.save({p});
            // the secret would be passed to the session only
            QCOMPARE(p.sessionOptions(QStringLiteral("s3cret")).auth.secret, QStringLiteral("s3cret"));
        }
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(!f.readAll().contains("s3cret"));
        QSettings s(path, QSettings::IniFormat);
        settings::ProfileStore store(&s);
        QVERIFY(store.hasSavedProfiles());
        QCOMPARE(store.load(), QList<ConnectionProfile>{p});
    }

    void tlsValidate_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("caFile"); // "CA" is replaced by an existing PEM file
        QTest::addColumn<bool>("insecure");
        QTest::addColumn<QString>("pin");
        QTest::addColumn<QString>("problem"); // empty: valid
        const QString pin = QStringLiteral("ab").repeated(32);
        QString colons;
        for (int i = 0; i < 32; ++i)
            colons += (i ? QStringLiteral(":") : QString()) + QStringLiteral("0F");
        QTest::newRow("wss none") << "wss://h:1/ws" << "" << false << "" << "";
        QTest::newRow("wss ca") << "wss://h:1/ws" << "CA" << false << "" << "";
        QTest::newRow("rss insecure") << "rss://h:1" << "" << true << "" << "";
        QTest::newRow("tcps pin") << "tcps://h:1" << "" << false << pin << "";
        QTest::newRow("pin with colons") << "wss://h:1/ws" << "" << false << colons << "";
        QTest::newRow("pin upper") << "wss://h:1/ws" << "" << false << pin.toUpper() << "";
        QTest::newRow("ca missing") << "wss://h:1/ws" << "/nonexistent/ca.pem" << false << "" << "CA file \"/nonexistent/ca.pem\" does not exist";
        QTest::newRow("ca is dir") << "wss://h:1/ws" << "/" << false << "" << "not a readable file";
        QTest::newRow("pin short") << "wss://h:1/ws" << "" << false << "abcd" << "64 hex digits";
        QTest::newRow("pin not hex") << "rss://h:1" << "" << false << QStringLiteral("zz").repeated(32) << "64 hex digits";
        QTest::newRow("pin too long") << "rss://h:1" << "" << false << pin + QStringLiteral("00") << "64 hex digits";
        QTest::newRow("tls on ws") << "ws://h:1/ws" << "" << true << "" << "only apply to wss://";
        QTest::newRow("pin on rs") << "rs://h:1" << "" << false << pin << "only apply to wss://";
    }
    void tlsValidate()
    {
        QFETCH(QString, url);
        QFETCH(QString, caFile);
        QFETCH(bool, insecure);
        QFETCH(QString, pin);
        QFETCH(QString, problem);
        QTemporaryDir dir;
        if (caFile == u"CA") {
            caFile = dir.filePath(QStringLiteral("ca.pem"));
            QFile f(caFile);
            QVERIFY(f.open(QIODevice::WriteOnly));
        }
        ConnectionProfile p;
        p.name = QStringLiteral("x");
        p.url = QUrl(url);
        p.tlsCaFile = caFile;
        p.tlsInsecure = insecure;
        p.tlsPinSha256 = pin;
        const QStringList problems = p.validate();
        if (problem.isEmpty()) {
            QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QLatin1Char(' '))));
            // and the Connection's ConnectOptions carry exactly these settings
            const transport::ConnectOptions o = p.connectOptions();
            QCOMPARE(o.tls.caFile, caFile);
            QCOMPARE(o.tls.acceptAnyCertificate, insecure);
            QCOMPARE(o.tls.pinnedSha256.size(), pin.isEmpty() ? 0 : 32);
            if (!pin.isEmpty())
                QCOMPARE(QString::fromLatin1(o.tls.pinnedSha256.toHex()), pin.toLower().remove(u':'));
        } else {
            QVERIFY2(problems.join(QLatin1Char(' ')).contains(problem), qPrintable(problems.join(QLatin1Char(' '))));
        }
    }

    void tlsRoundTrip()
    {
        QTemporaryDir dir;
        const QString ca = dir.filePath(QStringLiteral("ca.pem"));
        {
            QFile f(ca);
            QVERIFY(f.open(QIODevice::WriteOnly));
        }
        ConnectionProfile p;
        p.id = ConnectionProfile::newId();
        p.name = QStringLiteral("TLS");
        p.url = QUrl(QStringLiteral("wss://127.0.0.1:8443/ws"));
        p.tlsCaFile = ca;
        p.tlsInsecure = true;
        p.tlsPinSha256 = QStringLiteral("AB:").repeated(31) + QStringLiteral("AB");
        QCOMPARE(p.toJson().value(QStringLiteral("tls_ca_file")).toString(), ca);
        QCOMPARE(p.toJson().value(QStringLiteral("tls_insecure")).toBool(), true);
        QCOMPARE(p.toJson().value(QStringLiteral("tls_pin_sha256")).toString(), p.tlsPinSha256);
        // JSON
        Result<ConnectionProfile> back = ConnectionProfile::fromJson(p.toJson());
        QVERIFY2(back.ok(), qPrintable(back.errorString()));
        QCOMPARE(*back, p);
        // export / import
        Result<QList<ConnectionProfile>> imported = settings::importProfiles(settings::exportProfiles({p}));
        QVERIFY2(imported.ok(), qPrintable(imported.errorString()));
        QCOMPARE(imported->value(0), p);
        // settings store
        const QString path = dir.filePath(QStringLiteral("s.ini"));
        {
            QSettings s(path, QSettings::IniFormat);
            settings::ProfileStore(&s).save({p});
        }
        QSettings s(path, QSettings::IniFormat);
        QCOMPARE(settings::ProfileStore(&s).load(), QList<ConnectionProfile>{p});
        // a profile without TLS settings does not write the keys
        ConnectionProfile plain;
        plain.name = QStringLiteral("plain");
        QVERIFY(!plain.toJson().contains(QStringLiteral("tls_ca_file")));
        QVERIFY(!plain.toJson().contains(QStringLiteral("tls_insecure")));
        QVERIFY(!plain.toJson().contains(QStringLiteral("tls_pin_sha256")));
        // wrong types and bad values in an imported file are refused with a reason
        Result<QList<ConnectionProfile>> bad = settings::importProfiles(
            "[{\"name\":\"a\",\"url\":\"wss://h:1/ws\",\"tls_insecure\":\"yes\"}]");
        QVERIFY(!bad.ok());
        QVERIFY2(bad.errorString().contains(QStringLiteral("\"tls_insecure\" must be true or false")), qPrintable(bad.errorString()));
        bad = settings::importProfiles("[{\"name\":\"a\",\"url\":\"wss://h:1/ws\",\"tls_pin_sha256\":\"12\"}]");
        QVERIFY(!bad.ok());
        QVERIFY2(bad.errorString().contains(QStringLiteral("64 hex digits")), qPrintable(bad.errorString()));
    }

    void memorySecretStore()
    {
        settings::MemorySecretStore store;
        QList<settings::SecretResult> results;
        auto cb = [&](const settings::SecretResult &r) { results << r; };
        store.readSecret(QStringLiteral("k"), cb);
        QVERIFY(results.isEmpty()); // asynchronous, like a keychain
        QTRY_COMPARE(results.size(), 1);
        QCOMPARE(results.last().status, settings::SecretResult::Status::NotFound);
        store.writeSecret(QStringLiteral("k"), QStringLiteral("v"), cb);
        store.readSecret(QStringLiteral("k"), cb);
        QTRY_COMPARE(results.size(), 3);
        QVERIFY(results.at(1).ok());
        QCOMPARE(results.at(2).secret, QStringLiteral("v"));
        store.deleteSecret(QStringLiteral("k"), cb);
        store.readSecret(QStringLiteral("k"), cb);
        QTRY_COMPARE(results.size(), 5);
        QCOMPARE(results.last().status, settings::SecretResult::Status::NotFound);

        store.setSimulateNoBackend(true);
        store.writeSecret(QStringLiteral("k"), QStringLiteral("v"), cb);
        QTRY_COMPARE(results.size(), 6);
        QCOMPARE(results.last().status, settings::SecretResult::Status::NoBackend);
        QCOMPARE(store.size(), 0);
    }

    void backoff()
    {
        client::ReconnectPolicy p;
        QCOMPARE(p.delayForAttempt(1), 1000);
        QCOMPARE(p.delayForAttempt(2), 2000);
        QCOMPARE(p.delayForAttempt(3), 4000);
        QCOMPARE(p.delayForAttempt(5), 16000);
        QCOMPARE(p.delayForAttempt(6), 30000); // capped
        QCOMPARE(p.delayForAttempt(60), 30000);
        QCOMPARE(p.delayForAttempt(0), -1);
        p.maxAttempts = 3;
        QCOMPARE(p.delayForAttempt(3), 4000);
        QCOMPARE(p.delayForAttempt(4), -1);
    }
};

QTEST_GUILESS_MAIN(TstConnectionProfile)
#include "tst_connectionprofile.moc"
