// SPDX-License-Identifier: GPL-3.0-or-later
#include "router/routerconfig.h"

#include <QTemporaryDir>
#include <QFile>
#include <QTest>

using namespace wb::router;

namespace {
// JSON written with single quotes (moc trips over raw string literals): 'a' -> "a".
QByteArray j(const char *text) { return QByteArray(text).replace('\'', '"'); }
QByteArray j(const QByteArray &text) { return QByteArray(text).replace('\'', '"'); }
} // namespace

class TstRouterConfig : public QObject
{
    Q_OBJECT
private slots:
    void defaults()
    {
        const RouterConfig c = RouterConfig::defaults();
        QCOMPARE(c.listeners.size(), 2);
        QCOMPARE(c.listeners.at(0).url, QUrl(QStringLiteral("ws://127.0.0.1:8080/ws")));
        QCOMPARE(c.listeners.at(1).url, QUrl(QStringLiteral("rs://127.0.0.1:8081")));
        QCOMPARE(c.listeners.at(0).maxMessageSize, 16 * 1024 * 1024);
        QCOMPARE(c.realms.size(), 1);
        QCOMPARE(c.realms.at(0).name, QStringLiteral("realm1"));
        QVERIFY(c.realms.at(0).allowAnonymous);
        QCOMPARE(c.realms.at(0).anonymousRole, QStringLiteral("anonymous"));
        QVERIFY(!c.autoCreateRealms);
        QVERIFY(c.users.isEmpty());
        QCOMPARE(c.maxOutboundQueueBytes, 64 * 1024 * 1024);
        QCOMPARE(c.authTimeoutMs, 10000);
        QVERIFY(c.validate().ok());
    }

    void full()
    {
        const auto c = RouterConfig::fromJson(j("{\n"
            "            'listeners': [{'url': 'ws://127.0.0.1:0/ws', 'max_message_size': 65536}, {'url': 'unix:///tmp/x.sock'}],\n"
            "            'realms': [{'name': 'realm1', 'allow_anonymous': false, 'anonymous_role': 'guest'}, {'name': 'com.example'}],\n"
            "            'auto_create_realms': true,\n"
            "            'users': [\n"
            "              {'authid': 'alice', 'authmethod': 'ticket', 'secret': 's3cret', 'authrole': 'admin'},\n"
            "              {'authid': 'peter', 'authmethod': 'wampcra', 'secret': 'secret123', 'salt': 'salt123',\n"
            "               'iterations': 1000, 'keylen': 32, 'realms': ['realm1']}\n"
            "            ],\n"
            "            'max_outbound_queue_bytes': 1048576,\n"
            "            'auth_timeout_ms': 2500\n"
            "        }"));
        QVERIFY2(c.ok(), qPrintable(c.errorString()));
        QCOMPARE(c->listeners.size(), 2);
        QCOMPARE(c->listeners.at(0).url, QUrl(QStringLiteral("ws://127.0.0.1:0/ws")));
        QCOMPARE(c->listeners.at(0).maxMessageSize, 65536);
        QCOMPARE(c->listeners.at(1).maxMessageSize, 16 * 1024 * 1024);
        QCOMPARE(c->realms.size(), 2);
        QVERIFY(!c->realms.at(0).allowAnonymous);
        QCOMPARE(c->realms.at(0).anonymousRole, QStringLiteral("guest"));
        QVERIFY(c->realms.at(1).allowAnonymous);
        QVERIFY(c->autoCreateRealms);
        QCOMPARE(c->users.size(), 2);
        QCOMPARE(c->users.at(0).authid, QStringLiteral("alice"));
        QCOMPARE(c->users.at(0).authrole, QStringLiteral("admin"));
        QCOMPARE(c->users.at(0).authmethod, QStringLiteral("ticket"));
        QCOMPARE(c->users.at(1).authrole, QStringLiteral("user"));
        QCOMPARE(c->users.at(1).salt, QStringLiteral("salt123"));
        QCOMPARE(c->users.at(1).iterations, 1000);
        QCOMPARE(c->users.at(1).keylen, 32);
        QCOMPARE(c->users.at(1).realms, QStringList{QStringLiteral("realm1")});
        QCOMPARE(c->maxOutboundQueueBytes, 1048576);
        QCOMPARE(c->authTimeoutMs, 2500);
    }

    void strongAuthUsers()
    {
        // The spec's cryptosign key (upper case is normalized), a SCRAM password derived at load, stored SCRAM keys.
        const auto c = RouterConfig::fromJson(j(
            "{'users': ["
            " {'authid': 'device7', 'authmethod': 'cryptosign', 'authrole': 'device', 'realms': ['realm1'],"
            "  'authorized_keys': ['1ADFC8BFE1D35616E64DFFBD900096F23B066F914C8C2FFBB66F6075B96E116D',"
            "                      '0707070707070707070707070707070707070707070707070707070707070707']},"
            " {'authid': 'carol', 'authmethod': 'scram', 'secret': 'pencil', 'salt': 'W22ZaJ0SNY7soEsUEjb6gQ==',"
            "  'iterations': 2, 'memory': 1024},"
            " {'authid': 'erin', 'authmethod': 'scram', 'kdf': 'pbkdf2', 'secret': 'pencil', 'iterations': 1000},"
            " {'authid': 'dave', 'authmethod': 'scram', 'kdf': 'pbkdf2', 'salt': 'W22ZaJ0SNY7soEsUEjb6gQ==', 'iterations': 4096,"
            "  'stored_key': '586e5df283e6dceb5c3e791d8b8528ec191e664045ce971792e2e6b5bb13e2a6',"
            "  'server_key': 'c1f3cbc1c13a9d35a14c0990eed97629ea225863e566a4314ab99f3f00e5d9d5'}]}"));
        QVERIFY2(c.ok(), qPrintable(c.errorString()));
        QCOMPARE(c->users.size(), 4);
        const auto &device = c->users.at(0);
        QCOMPARE(device.authorizedKeys.size(), 2);
        QCOMPARE(device.authorizedKeys.at(0), QStringLiteral("1adfc8bfe1d35616e64dffbd900096f23b066f914c8c2ffbb66f6075b96e116d"));
        QCOMPARE(device.authrole, QStringLiteral("device"));
        // carol: the argon2id keys were derived at load and the password is gone (see tst_scram for the vector).
        const auto &carol = c->users.at(1);
        QCOMPARE(carol.kdf, QStringLiteral("argon2id-13"));
        QCOMPARE(carol.secret, QString());
        QCOMPARE(carol.storedKey, QStringLiteral("8f9df5c2e06efa834278aa711791899d0c6ba9104989c3389ec06443aadeebcc"));
        QCOMPARE(carol.serverKey, QStringLiteral("03cd80b4b0d8e69134f98cf2e672122cae612084f1e394ecda147330dde26187"));
        // erin: defaults filled in (random 16-byte salt).
        const auto &erin = c->users.at(2);
        QCOMPARE(erin.iterations, 1000);
        QCOMPARE(QByteArray::fromBase64(erin.salt.toLatin1()).size(), 16);
        QCOMPARE(erin.storedKey.size(), 64);
        QCOMPARE(erin.secret, QString());
        const auto &dave = c->users.at(3);
        QCOMPARE(dave.iterations, 4096);
        QCOMPARE(dave.storedKey, QStringLiteral("586e5df283e6dceb5c3e791d8b8528ec191e664045ce971792e2e6b5bb13e2a6"));
        // argon2id defaults when nothing is given
        const auto d = RouterConfig::fromJson(j("{'users': [{'authid': 'f', 'authmethod': 'scram', 'secret': 'x', 'memory': 64}]}"));
        QVERIFY2(d.ok(), qPrintable(d.errorString()));
        QCOMPARE(d->users.at(0).iterations, 2);
        QCOMPARE(d->users.at(0).memory, 64);
    }

    void readmeExample()
    {
        // The complete example in README.md ("Router configuration file") is valid and has every auth method.
        QFile f(QStringLiteral(WB_README_PATH));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString readme = QString::fromUtf8(f.readAll());
        const qsizetype section = readme.indexOf(QStringLiteral("### Router configuration file"));
        QVERIFY(section >= 0);
        const qsizetype start = readme.indexOf(QStringLiteral("```json\n"), section);
        QVERIFY(start >= 0);
        const qsizetype end = readme.indexOf(QStringLiteral("```"), start + 8);
        QVERIFY(end > start);
        const auto c = RouterConfig::fromJson(readme.mid(start + 8, end - start - 8).toUtf8());
        QVERIFY2(c.ok(), qPrintable(c.errorString()));
        QStringList methods;
        for (const auto &u : c->users)
            methods.append(u.authmethod);
        for (const char *m : {"ticket", "wampcra", "cryptosign", "scram"})
            QVERIFY2(methods.contains(QString::fromLatin1(m)), m);
    }

    void missingKeysKeepDefaults()
    {
        const auto c = RouterConfig::fromJson(j("{'users': [{'authid': 'a', 'authmethod': 'ticket', 'secret': 't'}]}"));
        QVERIFY2(c.ok(), qPrintable(c.errorString()));
        QCOMPARE(c->listeners.size(), 2);
        QCOMPARE(c->realms.size(), 1);
        QCOMPARE(c->users.size(), 1);
        const auto empty = RouterConfig::fromJson(j("{}"));
        QVERIFY(empty.ok());
    }

    void errors_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("message");
        QTest::newRow("not-json") << j("{") << QStringLiteral("config: invalid JSON at offset");
        QTest::newRow("not-object") << j("[]") << QStringLiteral("config: the top level must be a JSON object");
        QTest::newRow("unknown-top-key") << j("{'listener': []}") << QStringLiteral("config: unknown key \"listener\"");
        QTest::newRow("unknown-user-key") << j("{'users': [{'authid': 'a', 'authmethod': 'ticket', 'secret': 'x', 'pasword': 'y'}]}")
                                          << QStringLiteral("config: unknown key \"pasword\" in users[0]");
        QTest::newRow("unknown-realm-key") << j("{'realms': [{'name': 'r', 'anonymous': true}]}")
                                           << QStringLiteral("config: unknown key \"anonymous\" in realms[0]");
        QTest::newRow("bad-authmethod") << j("{'users': [\n"
            "                {'authid': 'a', 'authmethod': 'ticket', 'secret': 'x'},\n"
            "                {'authid': 'b', 'authmethod': 'ticket', 'secret': 'x'},\n"
            "                {'authid': 'c', 'authmethod': 'kerberos', 'secret': 'x'}]}")
                                        << QStringLiteral("config: users[2].authmethod must be ticket, wampcra, cryptosign or scram, got \"kerberos\"");
        QTest::newRow("no-secret") << j("{'users': [{'authid': 'a', 'authmethod': 'ticket'}]}")
                                   << QStringLiteral("config: users[0].secret is missing or empty");
        QTest::newRow("no-authid") << j("{'users': [{'authmethod': 'ticket', 'secret': 'x'}]}")
                                   << QStringLiteral("config: users[0].authid is missing or empty");
        QTest::newRow("salt-on-ticket") << j("{'users': [{'authid': 'a', 'authmethod': 'ticket', 'secret': 'x', 'salt': 's'}]}")
                                        << QStringLiteral("config: users[0].salt is only used with authmethod wampcra");
        QTest::newRow("duplicate-user") << j("{'users': [{'authid': 'a', 'authmethod': 'ticket', 'secret': 'x'},\n"
            "                                                            {'authid': 'a', 'authmethod': 'ticket', 'secret': 'y'}]}")
                                        << QStringLiteral("listed twice");
        QTest::newRow("iterations-type") << j("{'users': [{'authid': 'a', 'authmethod': 'wampcra', 'secret': 'x', 'iterations': 'many'}]}")
                                         << QStringLiteral("config: users[0].iterations must be an integer, got a string");
        QTest::newRow("iterations-fraction") << j("{'users': [{'authid': 'a', 'authmethod': 'wampcra', 'secret': 'x', 'iterations': 1.5}]}")
                                             << QStringLiteral("config: users[0].iterations must be an integer");
        QTest::newRow("user-realms-type") << j("{'users': [{'authid': 'a', 'authmethod': 'ticket', 'secret': 'x', 'realms': 'realm1'}]}")
                                          << QStringLiteral("config: users[0].realms must be a list of strings, got a string");
        // cryptosign and scram users
        const QByteArray key = "1adfc8bfe1d35616e64dffbd900096f23b066f914c8c2ffbb66f6075b96e116d";
        QTest::newRow("cryptosign-no-keys") << j("{'users': [{'authid': 'd', 'authmethod': 'cryptosign'}]}")
                                            << QStringLiteral("config: users[0].authorized_keys must list at least one Ed25519 public key");
        QTest::newRow("cryptosign-empty-keys") << j("{'users': [{'authid': 'd', 'authmethod': 'cryptosign', 'authorized_keys': []}]}")
                                               << QStringLiteral("config: users[0].authorized_keys must list at least one");
        QTest::newRow("cryptosign-short-key") << j("{'users': [{'authid': 'd', 'authmethod': 'cryptosign', 'authorized_keys': ['" + key + "', 'abcd']}]}")
                                              << QStringLiteral("config: users[0].authorized_keys[1] must be 64 hex characters (32 bytes), got 4 characters");
        QTest::newRow("cryptosign-key-not-hex") << j("{'users': [{'authid': 'd', 'authmethod': 'cryptosign', 'authorized_keys': ['" + QByteArray(64, 'x') + "']}]}")
                                                << QStringLiteral("not all hex digits");
        QTest::newRow("cryptosign-key-type") << j("{'users': [{'authid': 'd', 'authmethod': 'cryptosign', 'authorized_keys': '" + key + "'}]}")
                                             << QStringLiteral("config: users[0].authorized_keys must be a list of strings, got a string");
        QTest::newRow("cryptosign-secret") << j("{'users': [{'authid': 'd', 'authmethod': 'cryptosign', 'secret': 'x', 'authorized_keys': ['" + key + "']}]}")
                                           << QStringLiteral("config: users[0].secret is only used with authmethod ticket, wampcra or scram");
        QTest::newRow("cryptosign-key-shared") << j("{'users': [{'authid': 'd', 'authmethod': 'cryptosign', 'authorized_keys': ['" + key + "']},"
                                                    "{'authid': 'e', 'authmethod': 'cryptosign', 'authorized_keys': ['" + key.toUpper() + "']}]}")
                                               << QStringLiteral("config: users[1].authorized_keys[0] is also a key of \"d\"");
        QTest::newRow("keys-on-ticket") << j("{'users': [{'authid': 'a', 'authmethod': 'ticket', 'secret': 'x', 'authorized_keys': ['" + key + "']}]}")
                                        << QStringLiteral("config: users[0].authorized_keys is only used with authmethod cryptosign");
        QTest::newRow("kdf-on-wampcra") << j("{'users': [{'authid': 'a', 'authmethod': 'wampcra', 'secret': 'x', 'kdf': 'pbkdf2'}]}")
                                        << QStringLiteral("config: users[0].kdf is only used with authmethod scram");
        QTest::newRow("scram-nothing") << j("{'users': [{'authid': 's', 'authmethod': 'scram'}]}")
                                       << QStringLiteral("config: users[0]: scram needs secret (a password) or salt + stored_key + server_key");
        QTest::newRow("scram-bad-kdf") << j("{'users': [{'authid': 's', 'authmethod': 'scram', 'secret': 'x', 'kdf': 'argon2id13'}]}")
                                       << QStringLiteral("config: users[0].kdf must be argon2id-13 or pbkdf2, got \"argon2id13\"");
        QTest::newRow("scram-both") << j("{'users': [{'authid': 's', 'authmethod': 'scram', 'secret': 'x', 'salt': 'c2FsdA==',"
                                         "'stored_key': '" + key + "', 'server_key': '" + key + "'}]}")
                                    << QStringLiteral("config: users[0]: give either secret (a password) or stored_key + server_key, not both");
        QTest::newRow("scram-stored-no-salt") << j("{'users': [{'authid': 's', 'authmethod': 'scram', 'kdf': 'pbkdf2', 'iterations': 4096,"
                                                   "'stored_key': '" + key + "', 'server_key': '" + key + "'}]}")
                                              << QStringLiteral("config: users[0].salt is missing (stored SCRAM credentials need their salt)");
        QTest::newRow("scram-stored-bad-key") << j("{'users': [{'authid': 's', 'authmethod': 'scram', 'kdf': 'pbkdf2', 'iterations': 4096,"
                                                   "'salt': 'c2FsdA==', 'stored_key': '" + key + "', 'server_key': 'beef'}]}")
                                              << QStringLiteral("config: users[0].server_key must be 64 hex characters");
        QTest::newRow("scram-argon-salt-size") << j("{'users': [{'authid': 's', 'authmethod': 'scram', 'secret': 'x', 'salt': 'c2FsdA==', 'memory': 1024}]}")
                                               << QStringLiteral("config: users[0]: salt must decode to 16 bytes for argon2id-13, got 4");
        QTest::newRow("scram-salt-not-base64") << j("{'users': [{'authid': 's', 'authmethod': 'scram', 'kdf': 'pbkdf2', 'secret': 'x', 'salt': 'not base64!'}]}")
                                               << QStringLiteral("config: users[0]: salt must be canonical base64");
        QTest::newRow("scram-memory-small") << j("{'users': [{'authid': 's', 'authmethod': 'scram', 'secret': 'x', 'memory': 4}]}")
                                            << QStringLiteral("config: users[0]: memory must be between 8 and");
        QTest::newRow("users-not-list") << j("{'users': {}}") << QStringLiteral("config: users must be a list, got an object");
        QTest::newRow("user-not-object") << j("{'users': [1]}") << QStringLiteral("config: users[0] must be an object, got a number");
        QTest::newRow("bad-url-scheme") << j("{'listeners': [{'url': 'http://127.0.0.1:80'}]}")
                                        << QStringLiteral("config: listeners[0].url \"http://127.0.0.1:80\" must start with ws://, wss://, rs://, rss:// or unix://");
        QTest::newRow("missing-url") << j("{'listeners': [{}]}") << QStringLiteral("config: listeners[0].url is missing");
        QTest::newRow("no-listeners") << j("{'listeners': []}") << QStringLiteral("config: listeners must not be empty");
        QTest::newRow("small-max-size") << j("{'listeners': [{'url': 'ws://127.0.0.1:1/ws', 'max_message_size': 10}]}")
                                        << QStringLiteral("config: listeners[0].max_message_size must be between 512 and");
        QTest::newRow("bad-realm-uri") << j("{'realms': [{'name': 'my realm'}]}")
                                       << QStringLiteral("config: realms[0].name is not a valid URI");
        QTest::newRow("duplicate-realm") << j("{'realms': [{'name': 'r'}, {'name': 'r'}]}")
                                         << QStringLiteral("config: realms[1].name \"r\" is listed twice");
        QTest::newRow("no-realms") << j("{'realms': []}") << QStringLiteral("config: realms is empty and auto_create_realms is false");
        QTest::newRow("bool-type") << j("{'auto_create_realms': 'yes'}")
                                   << QStringLiteral("config: auto_create_realms must be true or false, got a string");
        QTest::newRow("anon-bool-type") << j("{'realms': [{'name': 'r', 'allow_anonymous': 1}]}")
                                        << QStringLiteral("config: realms[0].allow_anonymous must be true or false, got a number");
        QTest::newRow("timeout-range") << j("{'auth_timeout_ms': 0}") << QStringLiteral("config: auth_timeout_ms must be between 1 and");
    }
    void errors()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, message);
        const auto c = RouterConfig::fromJson(json);
        QVERIFY(!c.ok());
        QVERIFY2(c.errorString().contains(message),
                 qPrintable(QStringLiteral("got \"%1\", expected it to contain \"%2\"").arg(c.errorString(), message)));
        QCOMPARE(c.error().code, QStringLiteral("config.invalid"));
    }

    void fromFile()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString path = dir.filePath(QStringLiteral("router.json"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(j("{'auto_create_realms': true}"));
        f.close();
        const auto c = RouterConfig::fromFile(path);
        QVERIFY2(c.ok(), qPrintable(c.errorString()));
        QVERIFY(c->autoCreateRealms);

        const auto missing = RouterConfig::fromFile(dir.filePath(QStringLiteral("nope.json")));
        QVERIFY(!missing.ok());
        QVERIFY(missing.errorString().startsWith(QStringLiteral("config: cannot read ")));
    }
};

QTEST_APPLESS_MAIN(TstRouterConfig)
#include "tst_routerconfig.moc"
