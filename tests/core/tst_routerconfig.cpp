// SPDX-License-Identifier: GPL-3.0-or-later
#include "router/routerconfig.h"

#include <QTemporaryDir>
#include <QTest>

using namespace wb::router;

namespace {
// JSON written with single quotes (moc trips over raw string literals): 'a' -> "a".
QByteArray j(const char *text) { return QByteArray(text).replace('\'', '"'); }
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
            "                {'authid': 'c', 'authmethod': 'cryptosign', 'secret': 'x'}]}")
                                        << QStringLiteral("config: users[2].authmethod must be ticket or wampcra");
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
        QTest::newRow("users-not-list") << j("{'users': {}}") << QStringLiteral("config: users must be a list, got an object");
        QTest::newRow("user-not-object") << j("{'users': [1]}") << QStringLiteral("config: users[0] must be an object, got a number");
        QTest::newRow("bad-url-scheme") << j("{'listeners': [{'url': 'http://127.0.0.1:80'}]}")
                                        << QStringLiteral("config: listeners[0].url \"http://127.0.0.1:80\" must start with ws://, rs:// or unix://");
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
