// SPDX-License-Identifier: GPL-3.0-or-later
// Authorization in the built-in router (Crossbar-style static roles, core/router/authorizer.h) and realm
// isolation: the roles config format, the Authorizer's precedence rules, and end-to-end denials/permissions
// with scripted peers over WebSocket and RawSocket.

#include "fakes/fakepeer.h"

#include "router/authorizer.h"
#include "router/router.h"
#include "router/routerconfig.h"
#include "wamp/errors.h"

#include <QFile>
#include <QSignalSpy>
#include <QTest>

#include <memory>
#include <vector>

using namespace wb;
using namespace wb::wamp;
using wb::codec::SerializerId;
using wb::router::Authorizer;
using wb::router::PermissionConfig;
using wb::router::RoleConfig;
using wb::router::Router;
using wb::router::RouterConfig;
using wb::testing::FakePeer;

namespace {

QString s(const char *t) { return QString::fromUtf8(t); }
Dict dictAt(const Message &m, int pos) { return m.at(pos).toDict(); }

PermissionConfig perm(const char *uri, MatchPolicy match, const char *allow, bool discloseCaller = false,
                      bool disclosePublisher = false)
{
    PermissionConfig p;
    p.uri = s(uri);
    p.match = match;
    const QString a = s(allow);
    p.allowCall = a.contains(u'c');
    p.allowRegister = a.contains(u'r');
    p.allowPublish = a.contains(u'p');
    p.allowSubscribe = a.contains(u's');
    p.discloseCaller = discloseCaller;
    p.disclosePublisher = disclosePublisher;
    return p;
}

/// The role used by most tests. Comments give the rule each URI exercises.
RoleConfig restrictedRole()
{
    RoleConfig r;
    r.name = s("restricted");
    r.permissions = {
        perm("com.allowed.", MatchPolicy::Prefix, "crps"),        // everything under com.allowed.
        perm("com.allowed.secret", MatchPolicy::Exact, ""),        // exact beats the prefix: nothing
        perm("com.allowed.admin.", MatchPolicy::Prefix, "s"),      // a longer prefix beats a shorter one
        perm("com..wild", MatchPolicy::Wildcard, "c"),             // wildcard: call only
        perm("com.x..", MatchPolicy::Wildcard, "p"),               // a weaker wildcard (shorter literal run)
        perm("com.x.y.", MatchPolicy::Wildcard, "s"),              // ... loses against this one
        perm("com.disclosed.", MatchPolicy::Prefix, "cp", true, true),
        perm("wamp.session.count", MatchPolicy::Exact, "c"),      // one meta procedure
    };
    return r;
}

RoleConfig allowAllRole(const char *name)
{
    RoleConfig r;
    r.name = s(name);
    r.permissions = {perm("", MatchPolicy::Prefix, "crps")};
    return r;
}

router::UserConfig ticketUser(const char *authid, const char *role, QStringList realms = {})
{
    router::UserConfig u;
    u.authid = s(authid);
    u.authmethod = s("ticket");
    u.secret = s("pw-") + s(authid);
    u.authrole = s(role);
    u.realms = std::move(realms);
    return u;
}

RouterConfig testConfig()
{
    RouterConfig c;
    c.listeners = {router::ListenerConfig{QUrl(s("ws://127.0.0.1:0/ws"))}, router::ListenerConfig{QUrl(s("rs://127.0.0.1:0"))}};
    router::RealmConfig secured{s("secured")};
    secured.roles = {restrictedRole(), allowAllRole("anonymous")};
    router::RealmConfig strict{s("strict")}; // roles, but none for anonymous sessions
    strict.roles = {restrictedRole()};
    router::RealmConfig hidden{s("hidden")}; // the realm never discloses callers, but a role permission wins
    hidden.roles = {restrictedRole(), allowAllRole("anonymous")};
    hidden.discloseCaller = s("never");
    c.realms = {secured, strict, router::RealmConfig{s("open.a")}, router::RealmConfig{s("open.b")}, hidden};
    c.users = {ticketUser("rita", "restricted"), ticketUser("ghost", "nobody"), ticketUser("anna", "restricted", {s("open.a")})};
    return c;
}

} // namespace

class TstAuthorization : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<Router> m_router;
    std::vector<std::unique_ptr<FakePeer>> m_peers;
    QStringList m_log;
    QString m_error;

    QUrl urlFor(const QString &kind) const
    {
        for (const QUrl &u : m_router->listeningUrls()) {
            if (u.scheme() == kind)
                return u;
        }
        return {};
    }

    bool startRouter(const RouterConfig &config)
    {
        m_peers.clear();
        m_router = std::make_unique<Router>(config);
        connect(m_router.get(), &Router::logMessage, this, [this](const QString &t) { m_log.append(t); });
        const Status st = m_router->start();
        m_error = st.errorString();
        return st.ok();
    }

    FakePeer *peer(const QString &kind)
    {
        auto p = std::make_unique<FakePeer>();
        if (!p->connectTo(urlFor(kind), kind == u"rs" ? SerializerId::MsgPack : SerializerId::Json)) {
            m_error = p->errorString();
            return nullptr;
        }
        m_peers.push_back(std::move(p));
        return m_peers.back().get();
    }

    /// HELLO (ticket when \a authid is set, else anonymous); returns the WELCOME or ABORT.
    std::optional<Message> open(FakePeer *p, const QString &realm, const QString &authid = {})
    {
        if (authid.isEmpty())
            return p->hello(realm);
        auto m = p->hello(realm, {{s("authid"), authid}, {s("authmethods"), List{s("ticket")}}});
        if (!m || m->type() != MessageType::Challenge)
            return m;
        p->send(Message::authenticate(s("pw-") + authid, {}));
        while (auto reply = p->next()) {
            if (reply->type() == MessageType::Welcome || reply->type() == MessageType::Abort)
                return reply;
        }
        return std::nullopt;
    }

    /// Joined peer (nullptr with m_error on failure).
    FakePeer *joined(const QString &kind, const QString &realm, const QString &authid = {})
    {
        FakePeer *p = peer(kind);
        if (!p)
            return nullptr;
        const auto m = open(p, realm, authid);
        if (!m || m->type() != MessageType::Welcome) {
            m_error = m ? m->toValue().toDebugString() : s("no reply to HELLO");
            return nullptr;
        }
        return p;
    }

    bool logContains(const QString &text) const
    {
        for (const QString &l : m_log) {
            if (l.contains(text))
                return true;
        }
        return false;
    }

    static void addTransportRows()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("ws") << s("ws");
        QTest::newRow("rs") << s("rs");
    }

private slots:
    void init()
    {
        m_log.clear();
        QVERIFY2(startRouter(testConfig()), qPrintable(m_error));
    }

    void cleanup()
    {
        m_peers.clear();
        m_router.reset();
    }

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

    // ------------------------------------------------------------------ end to end

    void requests_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("action");
        QTest::addColumn<QString>("uri");
        QTest::addColumn<QString>("match");
        QTest::addColumn<QString>("expected"); ///< "ok", "denied" or "not-denied" (an error other than not_authorized)
        for (const QString &kind : {s("ws"), s("rs")}) {
            auto row = [&](const char *name) -> QTestData & { return QTest::addRow("%s-%s", qPrintable(kind), name); };
            row("call-allowed") << kind << s("call") << s("com.allowed.p") << QString() << s("ok");
            row("call-exact-denied") << kind << s("call") << s("com.allowed.secret") << QString() << s("denied");
            row("call-longer-prefix-denied") << kind << s("call") << s("com.allowed.admin.p") << QString() << s("denied");
            row("call-wildcard-allowed") << kind << s("call") << s("com.x.wild") << QString() << s("ok");
            row("call-no-rule") << kind << s("call") << s("org.other.p") << QString() << s("denied");
            row("register-allowed") << kind << s("register") << s("com.allowed.r") << QString() << s("ok");
            row("register-prefix-pattern") << kind << s("register") << s("com.allowed.r.") << s("prefix") << s("ok");
            row("register-denied") << kind << s("register") << s("com.x.wild") << QString() << s("denied");
            row("register-pattern-denied") << kind << s("register") << s("org.") << s("prefix") << s("denied");
            row("subscribe-allowed") << kind << s("subscribe") << s("com.allowed.admin.t") << QString() << s("ok");
            row("subscribe-wildcard-pattern") << kind << s("subscribe") << s("com.allowed..t") << s("wildcard") << s("ok");
            row("subscribe-denied") << kind << s("subscribe") << s("com.allowed.secret") << QString() << s("denied");
            row("subscribe-meta-denied") << kind << s("subscribe") << s("wamp.session.on_join") << QString() << s("denied");
            row("publish-allowed") << kind << s("publish") << s("com.allowed.t") << QString() << s("ok");
            row("publish-denied") << kind << s("publish") << s("com.allowed.admin.t") << QString() << s("denied");
            row("meta-call-allowed") << kind << s("call") << s("wamp.session.count") << QString() << s("not-denied");
            row("meta-call-denied") << kind << s("call") << s("wamp.session.list") << QString() << s("denied");
            row("invalid-uri-first") << kind << s("call") << s("com. bad") << QString() << s("not-denied");
        }
    }
    void requests()
    {
        QFETCH(QString, kind);
        QFETCH(QString, action);
        QFETCH(QString, uri);
        QFETCH(QString, match);
        QFETCH(QString, expected);
        FakePeer *rita = joined(kind, s("secured"), s("rita"));
        FakePeer *helper = joined(kind == u"ws" ? s("rs") : s("ws"), s("secured")); // anonymous: allowed everything
        QVERIFY2(rita && helper, qPrintable(m_error));
        Dict options;
        if (!match.isEmpty())
            options.insert(s("match"), match);

        std::optional<Message> reply;
        MessageType okType = MessageType::Result;
        if (action == u"call") {
            if (expected == u"ok") {
                const auto reg = helper->register_(uri);
                QVERIFY(reg && reg->type() == MessageType::Registered);
            }
            const quint64 req = rita->nextRequestId();
            rita->send(Message::call(req, {}, uri, {1}));
            if (expected == u"ok") {
                const auto inv = helper->waitFor(MessageType::Invocation);
                QVERIFY(inv);
                helper->send(Message::yield(inv->requestId(), {}, {s("done")}));
            }
            reply = rita->waitReply(req, {MessageType::Result});
        } else if (action == u"register") {
            okType = MessageType::Registered;
            reply = rita->register_(uri, options);
        } else if (action == u"subscribe") {
            okType = MessageType::Subscribed;
            reply = rita->subscribe(uri, options);
        } else {
            okType = MessageType::Published;
            const quint64 req = rita->nextRequestId();
            rita->send(Message::publish(req, {{s("acknowledge"), true}}, uri));
            reply = rita->waitReply(req, {MessageType::Published});
        }
        QVERIFY(reply);
        if (expected == u"ok") {
            QVERIFY2(reply->type() == okType, qPrintable(reply->toValue().toDebugString()));
        } else if (expected == u"denied") {
            QCOMPARE(reply->type(), MessageType::Error);
            QCOMPARE(reply->uri(), uris::notAuthorized);
            const QString why = reply->args().value(0).toString();
            QVERIFY2(why.contains(s("restricted")) && why.contains(uri), qPrintable(why));
            QVERIFY2(logContains(s("denied")), qPrintable(m_log.join(u'\n')));
        } else {
            QVERIFY(reply->type() != MessageType::Error || reply->uri() != uris::notAuthorized);
        }
        QVERIFY(!rita->isClosed()); // a denial never ends the session
    }

    void unacknowledgedPublishDropped_data() { addTransportRows(); }
    void unacknowledgedPublishDropped()
    {
        QFETCH(QString, kind);
        FakePeer *rita = joined(kind, s("secured"), s("rita"));
        FakePeer *sub = joined(kind, s("secured"));
        QVERIFY2(rita && sub, qPrintable(m_error));
        QVERIFY(sub->subscribe(s("com.allowed."), {{s("match"), s("prefix")}}));
        rita->send(Message::publish(rita->nextRequestId(), {}, s("com.allowed.admin.t"), {s("denied")}));
        rita->send(Message::publish(rita->nextRequestId(), {}, s("com.allowed.t"), {s("allowed")}));
        const auto event = sub->waitFor(MessageType::Event);
        QVERIFY(event);
        QCOMPARE(event->args(), List{s("allowed")}); // the denied one never arrived, and came first
        QCOMPARE(rita->pending(MessageType::Error), 0); // silent for the publisher
        QVERIFY2(logContains(s("publication dropped")), qPrintable(m_log.join(u'\n')));
        QVERIFY(logContains(s("com.allowed.admin.t")));
    }

    void disclosure_data() { addTransportRows(); }
    void disclosure()
    {
        QFETCH(QString, kind);
        FakePeer *rita = joined(kind, s("secured"), s("rita"));
        FakePeer *helper = joined(kind, s("secured"));
        QVERIFY2(rita && helper, qPrintable(m_error));
        const quint64 ritaId = m_router->sessions().at(0).id;
        QCOMPARE(m_router->sessions().at(0).authid, s("rita"));

        // disclose.caller: the callee learns who calls, although the caller did not ask for disclose_me.
        QVERIFY(helper->register_(s("com.disclosed.p")));
        QVERIFY(helper->register_(s("com.allowed.p")));
        for (const QString &proc : {s("com.disclosed.p"), s("com.allowed.p")}) {
            const quint64 req = rita->nextRequestId();
            rita->send(Message::call(req, {}, proc));
            const auto inv = helper->waitFor(MessageType::Invocation);
            QVERIFY(inv);
            const Dict details = dictAt(*inv, 3);
            if (proc == u"com.disclosed.p") {
                QCOMPARE(details.value(s("caller")).toUInt64().value_or(0), ritaId);
                QCOMPARE(details.value(s("caller_authid")), Value(s("rita")));
                QCOMPARE(details.value(s("caller_authrole")), Value(s("restricted")));
            } else {
                QVERIFY2(!details.contains(s("caller")), qPrintable(inv->toValue().toDebugString()));
            }
            helper->send(Message::yield(inv->requestId(), {}));
            QVERIFY(rita->waitReply(req, {MessageType::Result}));
        }

        // disclose.publisher: subscribers learn who published.
        QVERIFY(helper->subscribe(s("com."), {{s("match"), s("prefix")}}));
        rita->send(Message::publish(rita->nextRequestId(), {}, s("com.disclosed.t")));
        rita->send(Message::publish(rita->nextRequestId(), {}, s("com.allowed.t")));
        const auto e1 = helper->waitFor(MessageType::Event);
        const auto e2 = helper->waitFor(MessageType::Event);
        QVERIFY(e1 && e2);
        QCOMPARE(dictAt(*e1, 3).value(s("publisher")).toUInt64().value_or(0), ritaId);
        QCOMPARE(dictAt(*e1, 3).value(s("publisher_authrole")), Value(s("restricted")));
        QVERIFY(!dictAt(*e2, 3).contains(s("publisher")));
    }

    void roleDisclosureBeatsRealmNever_data() { addTransportRows(); }
    void roleDisclosureBeatsRealmNever()
    {
        QFETCH(QString, kind);
        FakePeer *rita = joined(kind, s("hidden"), s("rita"));
        FakePeer *helper = joined(kind, s("hidden"));
        QVERIFY2(rita && helper, qPrintable(m_error));
        QVERIFY(helper->register_(s("com.disclosed.p")));
        // The role's disclose.caller wins over the realm's disclose_caller "never" (as in Crossbar).
        const quint64 req = rita->nextRequestId();
        rita->send(Message::call(req, {}, s("com.disclosed.p")));
        const auto inv = helper->waitFor(MessageType::Invocation);
        QVERIFY(inv);
        QCOMPARE(dictAt(*inv, 3).value(s("caller_authid")), Value(s("rita")));
        helper->send(Message::yield(inv->requestId(), {}));
        QCOMPARE(rita->waitReply(req, {MessageType::Result})->type(), MessageType::Result);
        // A caller asking for disclose_me itself is still refused in that realm.
        const quint64 req2 = helper->nextRequestId();
        helper->send(Message::call(req2, {{s("disclose_me"), true}}, s("com.disclosed.p")));
        const auto err = helper->waitReply(req2, {MessageType::Error});
        QVERIFY(err);
        QCOMPARE(err->uri(), s("wamp.error.option_disallowed.disclose_me"));
    }

    void roles_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("realm");
        QTest::addColumn<QString>("authid");
        QTest::addColumn<QString>("expected"); ///< "welcome" or the ABORT reason
        for (const QString &kind : {s("ws"), s("rs")}) {
            auto row = [&](const char *name) -> QTestData & { return QTest::addRow("%s-%s", qPrintable(kind), name); };
            row("defined-role") << kind << s("secured") << s("rita") << s("welcome");
            row("undefined-role") << kind << s("secured") << s("ghost") << uris::noSuchRole;
            row("anonymous-role-defined") << kind << s("secured") << QString() << s("welcome");
            row("anonymous-role-undefined") << kind << s("strict") << QString() << uris::noSuchRole;
            row("no-roles-any-role") << kind << s("open.a") << s("ghost") << s("welcome");
            row("user-realm-allowed") << kind << s("open.a") << s("anna") << s("welcome");
            row("user-realm-restricted") << kind << s("open.b") << s("anna") << uris::noSuchPrincipal;
        }
    }
    void roles()
    {
        QFETCH(QString, kind);
        QFETCH(QString, realm);
        QFETCH(QString, authid);
        QFETCH(QString, expected);
        FakePeer *p = peer(kind);
        QVERIFY2(p, qPrintable(m_error));
        const auto m = open(p, realm, authid);
        QVERIFY(m);
        if (expected == u"welcome") {
            QCOMPARE(m->type(), MessageType::Welcome);
            QTRY_COMPARE(m_router->sessionCount(), 1);
            if (realm.startsWith(u"open")) {
                // A realm without roles keeps the old behaviour: everything is allowed, whatever the role.
                QCOMPARE(p->register_(s("org.any.proc"))->type(), MessageType::Registered);
                QCOMPARE(p->subscribe(s("wamp.session.on_join"))->type(), MessageType::Subscribed);
            }
            return;
        }
        QCOMPARE(m->type(), MessageType::Abort);
        QCOMPARE(m->uri(), expected);
        QVERIFY(!dictAt(*m, 1).value(s("message")).toString().isEmpty());
        QVERIFY(p->waitClosed());
        QCOMPARE(m_router->sessionCount(), 0);
    }

    // ------------------------------------------------------------------ realm isolation

    void realmIsolation_data() { addTransportRows(); }
    void realmIsolation()
    {
        QFETCH(QString, kind);
        const QString other = kind == u"ws" ? s("rs") : s("ws");
        FakePeer *a1 = joined(kind, s("open.a"));
        FakePeer *a2 = joined(other, s("open.a"));
        FakePeer *b1 = joined(kind, s("open.b"));
        FakePeer *b2 = joined(other, s("open.b"));
        QVERIFY2(a1 && a2 && b1 && b2, qPrintable(m_error));

        // Same URIs in both realms: both registrations succeed (no procedure_already_exists across realms).
        QCOMPARE(a1->register_(s("com.iso.proc"))->type(), MessageType::Registered);
        QCOMPARE(b1->register_(s("com.iso.proc"))->type(), MessageType::Registered);
        QCOMPARE(a1->subscribe(s("com.iso.topic"))->type(), MessageType::Subscribed);
        QCOMPARE(b1->subscribe(s("com."), {{s("match"), s("prefix")}})->type(), MessageType::Subscribed);
        QCOMPARE(b1->subscribe(s("com.iso.topic"))->type(), MessageType::Subscribed);

        // Publications in A reach only A's subscriber; B's first events are B's own.
        for (int i = 0; i < 3; ++i) {
            const quint64 req = a2->nextRequestId();
            a2->send(Message::publish(req, {{s("acknowledge"), true}}, s("com.iso.topic"), {s("from-a"), i}));
            QCOMPARE(a2->waitReply(req, {MessageType::Published})->type(), MessageType::Published);
        }
        b2->send(Message::publish(b2->nextRequestId(), {}, s("com.iso.topic"), {s("from-b")}));
        for (int i = 0; i < 3; ++i) {
            const auto e = a1->waitFor(MessageType::Event);
            QVERIFY(e);
            QCOMPARE(e->args(), (List{s("from-a"), i}));
        }
        for (int i = 0; i < 2; ++i) { // the exact and the prefix subscription
            const auto e = b1->waitFor(MessageType::Event);
            QVERIFY(e);
            QCOMPARE(e->args(), List{s("from-b")});
        }
        // B's publication never reached A: A's next event is a later one of its own.
        a2->send(Message::publish(a2->nextRequestId(), {}, s("com.iso.topic"), {s("sync")}));
        const auto sync = a1->waitFor(MessageType::Event);
        QVERIFY(sync);
        QCOMPARE(sync->args(), List{s("sync")});
        QCOMPARE(b1->pending(MessageType::Event), 0);

        // Calls in B reach B's callee only; A's callee sees nothing.
        const quint64 req = b2->nextRequestId();
        b2->send(Message::call(req, {}, s("com.iso.proc"), {s("for-b")}));
        const auto inv = b1->waitFor(MessageType::Invocation);
        QVERIFY(inv);
        QCOMPARE(inv->args(), List{s("for-b")});
        b1->send(Message::yield(inv->requestId(), {}, {s("b-result")}));
        QCOMPARE(b2->waitReply(req, {MessageType::Result})->args(), List{s("b-result")});
        QCOMPARE(a1->pending(MessageType::Invocation), 0);

        // Once A's callee unregisters, A has no such procedure although B still has one.
        a1->send(Message::unregister(a1->nextRequestId(), a1->received().at(1).at(2).toUInt64().value_or(0)));
        QVERIFY(a1->waitFor(MessageType::Unregistered));
        const quint64 req2 = a2->nextRequestId();
        a2->send(Message::call(req2, {}, s("com.iso.proc")));
        const auto err = a2->waitReply(req2, {MessageType::Result});
        QVERIFY(err);
        QCOMPARE(err->type(), MessageType::Error);
        QCOMPARE(err->uri(), uris::noSuchProcedure);
        QCOMPARE(b1->pending(MessageType::Invocation), 0);
    }
};

QTEST_GUILESS_MAIN(TstAuthorization)
#include "tst_authorization.moc"
