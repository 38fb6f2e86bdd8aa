// SPDX-License-Identifier: GPL-3.0-or-later
// Authorization without a router: the Crossbar-style roles config format (core/router/routerconfig.h) and the
// Authorizer's precedence rules (core/router/authorizer.h). End to end: tst_authorization.

#include "authztestconfig.h"

#include "router/authorizer.h"
#include "router/routerconfig.h"

#include <QFile>
#include <QTest>

using namespace wb;
using namespace wb::wamp;
using namespace wb::testing::authztests;
using wb::codec::SerializerId;
using wb::router::Authorizer;
using wb::router::PermissionConfig;
using wb::router::RoleConfig;
using wb::router::Router;
using wb::router::RouterConfig;
using wb::testing::FakePeer;
using wb::testing::RouterHarness;
using wb::testing::s;

class TstAuthorizer : public QObject
{
    Q_OBJECT

private slots:
    // ------------------------------------------------------------------ config format

    void config_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("error"); ///< empty: valid
        auto realm = [](const char *roles) -> QByteArray {
            return QByteArray(R"({"realms":[{"name":"realm1","roles":)") + roles + "}]}";
        };
        QTest::newRow("crossbar-example") << realm(R"([{"name":"user","permissions":[{"uri":"com.example.","match":"prefix",
            "allow":{"call":true,"register":false,"publish":true,"subscribe":true},
            "disclose":{"caller":false,"publisher":false},"cache":true}]}])") << QString();
        QTest::newRow("empty-roles") << realm("[]") << QString();
        QTest::newRow("legacy-star") << realm(R"([{"name":"u","permissions":[{"uri":"com.*","allow":{"call":true}}]}])") << QString();
        QTest::newRow("unknown-permission-key") << realm(R"([{"name":"u","permissions":[{"uri":"com.a","allwo":{}}]}])")
                                                << s("unknown key \"allwo\" in realms[0].roles[0].permissions[0]");
        QTest::newRow("unknown-allow-key") << realm(R"([{"name":"u","permissions":[{"uri":"com.a","allow":{"cal":true}}]}])")
                                           << s("unknown key \"cal\" in realms[0].roles[0].permissions[0].allow");
        QTest::newRow("unknown-disclose-key") << realm(R"([{"name":"u","permissions":[{"uri":"com.a","disclose":{"callee":true}}]}])")
                                              << s("unknown key \"callee\"");
        QTest::newRow("unknown-role-key") << realm(R"([{"name":"u","perms":[]}])") << s("unknown key \"perms\" in realms[0].roles[0]");
        QTest::newRow("allow-not-bool") << realm(R"([{"name":"u","permissions":[{"uri":"com.a","allow":{"call":1}}]}])")
                                        << s("realms[0].roles[0].permissions[0].allow.call must be true or false");
        QTest::newRow("bad-match") << realm(R"([{"name":"u","permissions":[{"uri":"com.a","match":"regex"}]}])")
                                   << s("realms[0].roles[0].permissions[0].match must be exact, prefix or wildcard");
        QTest::newRow("bad-uri") << realm(R"([{"name":"u","permissions":[{"uri":"com..a","match":"prefix"}]}])")
                                 << s("realms[0].roles[0].permissions[0].uri \"com..a\" is not a valid prefix URI");
        QTest::newRow("bad-exact-uri") << realm(R"([{"name":"u","permissions":[{"uri":"com a","match":"exact"}]}])")
                                       << s("is not a valid exact URI");
        QTest::newRow("no-role-name") << realm(R"([{"permissions":[]}])") << s("realms[0].roles[0].name is missing");
        QTest::newRow("duplicate-role") << realm(R"([{"name":"u"},{"name":"u"}])") << s("realms[0].roles[1].name \"u\" is listed twice");
        QTest::newRow("duplicate-rule") << realm(R"([{"name":"u","permissions":[{"uri":"a.b"},{"uri":"a.b","match":"exact"}]}])")
                                        << s("listed twice in this role");
        QTest::newRow("roles-not-list") << realm(R"({"name":"u"})") << s("realms[0].roles must be a list");
        QTest::newRow("permissions-not-objects") << realm(R"([{"name":"u","permissions":["com.a"]}])")
                                                 << s("realms[0].roles[0].permissions[0] must be an object");
    }
    void config()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, error);
        const Result<RouterConfig> c = RouterConfig::fromJson(json);
        if (error.isEmpty()) {
            QVERIFY2(c.ok(), qPrintable(c.errorString()));
            return;
        }
        QVERIFY(!c.ok());
        QVERIFY2(c.errorString().contains(error), qPrintable(c.errorString()));
    }

    void configValues()
    {
        const Result<RouterConfig> c = RouterConfig::fromJson(R"({"realms":[{"name":"realm1","max_sessions":3,
            "roles":[{"name":"user","permissions":[
                {"uri":"com.example.","match":"prefix","allow":{"call":true,"register":false,"publish":true,"subscribe":true},
                 "disclose":{"caller":true,"publisher":false},"cache":true},
                {"uri":"com.legacy.*","allow":{"subscribe":true}},
                {"uri":"com..w","allow":{"register":true}}]}]}],
            "max_sessions":7,"max_pending_connections":9})");
        QVERIFY2(c.ok(), qPrintable(c.errorString()));
        QCOMPARE(c->maxSessions, 7);
        QCOMPARE(c->maxPendingConnections, 9);
        QCOMPARE(c->realms.at(0).maxSessions, 3);
        const QList<PermissionConfig> perms = c->realms.at(0).roles.at(0).permissions;
        QCOMPARE(perms.size(), 3);
        QCOMPARE(perms.at(0).uri, s("com.example."));
        QCOMPARE(perms.at(0).match, MatchPolicy::Prefix);
        QVERIFY(perms.at(0).allowCall && !perms.at(0).allowRegister && perms.at(0).allowPublish && perms.at(0).allowSubscribe);
        QVERIFY(perms.at(0).discloseCaller && !perms.at(0).disclosePublisher && perms.at(0).cache);
        QCOMPARE(perms.at(1).uri, s("com.legacy.")); // Crossbar's legacy "*" suffix means prefix
        QCOMPARE(perms.at(1).match, MatchPolicy::Prefix);
        QVERIFY(perms.at(1).allowSubscribe && !perms.at(1).allowCall);
        QCOMPARE(perms.at(2).match, MatchPolicy::Wildcard); // ".." without "match" means wildcard
        // Defaults keep today's behaviour: no roles, generous limits.
        const RouterConfig d = RouterConfig::defaults();
        QVERIFY(d.realms.at(0).roles.isEmpty());
        QCOMPARE(d.realms.at(0).maxSessions, 0);
        QCOMPARE(d.maxSessions, 10000);
        QCOMPARE(d.maxPendingConnections, 4096);
    }

    void readmeExample()
    {
        // The complete example in README "Router configuration file" must stay valid.
        QFile f(QStringLiteral(WB_SOURCE_DIR "/README.md"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray readme = f.readAll();
        const qsizetype section = readme.indexOf("### Router configuration file");
        QVERIFY(section > 0);
        const qsizetype start = readme.indexOf("```json\n", section);
        const qsizetype end = readme.indexOf("```", start + 8);
        QVERIFY(start > 0 && end > start);
        const Result<RouterConfig> c = RouterConfig::fromJson(readme.mid(start + 8, end - start - 8));
        QVERIFY2(c.ok(), qPrintable(c.errorString()));
        const auto realm = c->realms.at(1);
        QCOMPARE(realm.roles.size(), 2);
        const Authorizer a(realm.roles);
        QVERIFY(a.authorize(s("user"), Authorizer::Action::Call, s("com.example.add")).allowed);
        QVERIFY(a.authorize(s("user"), Authorizer::Action::Call, s("com.example.add")).disclose);
        QVERIFY(!a.authorize(s("user"), Authorizer::Action::Call, s("com.example.admin")).allowed);
        QVERIFY(!a.authorize(s("user"), Authorizer::Action::Register, s("com.example.add")).allowed);
        QVERIFY(a.authorize(s("user"), Authorizer::Action::Subscribe, s("com.x.status")).allowed);
        QVERIFY(a.authorize(s("user"), Authorizer::Action::Call, s("wamp.session.count")).allowed);
        QVERIFY(a.authorize(s("backend"), Authorizer::Action::Register, s("any.thing")).allowed);
    }

    // ------------------------------------------------------------------ Authorizer precedence

    void authorizer_data()
    {
        QTest::addColumn<QString>("role");
        QTest::addColumn<QString>("action");
        QTest::addColumn<QString>("uri");
        QTest::addColumn<bool>("allowed");
        QTest::addColumn<bool>("disclose");
        const QString r = s("restricted");
        QTest::newRow("prefix-call") << r << s("call") << s("com.allowed.x") << true << false;
        QTest::newRow("prefix-register") << r << s("register") << s("com.allowed.x.y") << true << false;
        QTest::newRow("prefix-is-string-prefix") << r << s("call") << s("com.allowed.") << true << false;
        QTest::newRow("exact-beats-prefix") << r << s("call") << s("com.allowed.secret") << false << false;
        QTest::newRow("exact-only-exact") << r << s("call") << s("com.allowed.secret.sub") << true << false;
        QTest::newRow("longer-prefix-wins-deny") << r << s("call") << s("com.allowed.admin.x") << false << false;
        QTest::newRow("longer-prefix-wins-allow") << r << s("subscribe") << s("com.allowed.admin.x") << true << false;
        QTest::newRow("wildcard-call") << r << s("call") << s("com.any.wild") << true << false;
        QTest::newRow("wildcard-register") << r << s("register") << s("com.any.wild") << false << false;
        QTest::newRow("wildcard-components") << r << s("call") << s("com.a.b.wild") << false << false;
        QTest::newRow("wildcard-precedence-strong") << r << s("subscribe") << s("com.x.y.z") << true << false;
        QTest::newRow("wildcard-precedence-weak-loses") << r << s("publish") << s("com.x.y.z") << false << false;
        QTest::newRow("wildcard-weak-alone") << r << s("publish") << s("com.x.q.z") << true << false;
        QTest::newRow("no-rule") << r << s("call") << s("org.other") << false << false;
        QTest::newRow("disclose-caller") << r << s("call") << s("com.disclosed.p") << true << true;
        QTest::newRow("disclose-publisher") << r << s("publish") << s("com.disclosed.t") << true << true;
        QTest::newRow("meta-allowed") << r << s("call") << s("wamp.session.count") << true << false;
        QTest::newRow("meta-denied") << r << s("call") << s("wamp.session.list") << false << false;
        QTest::newRow("undefined-role") << s("nobody") << s("call") << s("com.allowed.x") << false << false;
        QTest::newRow("allow-all-role") << s("anonymous") << s("register") << s("any.thing") << true << false;
    }
    void authorizer()
    {
        QFETCH(QString, role);
        QFETCH(QString, action);
        QFETCH(QString, uri);
        QFETCH(bool, allowed);
        QFETCH(bool, disclose);
        const Authorizer a({restrictedRole(), allowAllRole("anonymous")});
        QVERIFY(a.isEnabled());
        Authorizer::Action act = Authorizer::Action::Call;
        for (auto candidate : {Authorizer::Action::Call, Authorizer::Action::Register, Authorizer::Action::Publish,
                               Authorizer::Action::Subscribe}) {
            if (Authorizer::actionName(candidate) == action)
                act = candidate;
        }
        const Authorizer::Decision d = a.authorize(role, act, uri);
        QCOMPARE(d.allowed, allowed);
        QCOMPARE(d.disclose, disclose);
        QCOMPARE(d.reason.isEmpty(), allowed);
        if (!allowed)
            QVERIFY2(d.reason.contains(role), qPrintable(d.reason));
        // No roles at all: everything is allowed, for any role.
        const Authorizer open;
        QVERIFY(!open.isEnabled());
        QVERIFY(open.hasRole(s("whatever")));
        QVERIFY(open.authorize(role, act, uri).allowed);
    }
};

QTEST_APPLESS_MAIN(TstAuthorizer)
#include "tst_authorizer.moc"
