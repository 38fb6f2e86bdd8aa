// SPDX-License-Identifier: GPL-3.0-or-later
// Authorization end to end in the built-in router (Crossbar-style static roles, core/router/authorizer.h) and realm
// isolation: denials and permissions with scripted peers over WebSocket and RawSocket. The config format and the
// Authorizer on their own: tst_authorizer.

#include "authztestconfig.h"

#include "fakes/fakepeer.h"

#include "router/router.h"
#include "wamp/errors.h"

#include <QSignalSpy>
#include <QTest>

using namespace wb;
using namespace wb::wamp;
using namespace wb::testing::authztests;
using wb::codec::SerializerId;
using wb::router::PermissionConfig;
using wb::router::RoleConfig;
using wb::router::Router;
using wb::router::RouterConfig;
using wb::testing::FakePeer;
using wb::testing::RouterHarness;
using wb::testing::s;
namespace {
Dict dictAt(const Message &m, int pos) { return m.at(pos).toDict(); }
} // namespace

class TstAuthorization : public QObject
{
    Q_OBJECT

private:
    RouterHarness m_h;

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

    /// A connected peer; rs speaks msgpack, ws json.
    FakePeer *peer(const QString &kind) { return m_h.peer(kind, kind == u"rs" ? SerializerId::MsgPack : SerializerId::Json); }

    /// A peer over \a kind joined to \a realm, as \a authid by ticket when set (nullptr with
    /// the harness's error() on failure).
    FakePeer *login(const QString &kind, const QString &realm, const QString &authid = {})
    {
        FakePeer *p = peer(kind);
        if (!p)
            return nullptr;
        const auto m = open(p, realm, authid);
        if (!m || m->type() != MessageType::Welcome) {
            m_h.setError(m ? m->toValue().toDebugString() : s("no reply to HELLO"));
            return nullptr;
        }
        return p;
    }

private slots:
    void init()
    {
        m_h.clearLog();
        QVERIFY2(m_h.start(testConfig()), qPrintable(m_h.error()));
    }

    void cleanup() { m_h.reset(); }

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
        FakePeer *rita = login(kind, s("secured"), s("rita"));
        FakePeer *helper = login(kind == u"ws" ? s("rs") : s("ws"), s("secured")); // anonymous: allowed everything
        QVERIFY2(rita && helper, qPrintable(m_h.error()));
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
            QVERIFY2(m_h.logContains(s("denied")), qPrintable(m_h.log().join(u'\n')));
        } else {
            QVERIFY(reply->type() != MessageType::Error || reply->uri() != uris::notAuthorized);
        }
        QVERIFY(!rita->isClosed()); // a denial never ends the session
    }

    void unacknowledgedPublishDropped_data() { RouterHarness::addTransportRows(); }
    void unacknowledgedPublishDropped()
    {
        QFETCH(QString, kind);
        FakePeer *rita = login(kind, s("secured"), s("rita"));
        FakePeer *sub = login(kind, s("secured"));
        QVERIFY2(rita && sub, qPrintable(m_h.error()));
        QVERIFY(sub->subscribe(s("com.allowed."), {{s("match"), s("prefix")}}));
        rita->send(Message::publish(rita->nextRequestId(), {}, s("com.allowed.admin.t"), {s("denied")}));
        rita->send(Message::publish(rita->nextRequestId(), {}, s("com.allowed.t"), {s("allowed")}));
        const auto event = sub->waitFor(MessageType::Event);
        QVERIFY(event);
        QCOMPARE(event->args(), List{s("allowed")}); // the denied one never arrived, and came first
        QVERIFY(rita->barrier()); // its own round trip: anything routed to it before is here
        QCOMPARE(rita->pending(MessageType::Error), 0); // silent for the publisher
        QVERIFY2(m_h.logContains(s("publication dropped")), qPrintable(m_h.log().join(u'\n')));
        QVERIFY(m_h.logContains(s("com.allowed.admin.t")));
    }

    void disclosure_data() { RouterHarness::addTransportRows(); }
    void disclosure()
    {
        QFETCH(QString, kind);
        FakePeer *rita = login(kind, s("secured"), s("rita"));
        FakePeer *helper = login(kind, s("secured"));
        QVERIFY2(rita && helper, qPrintable(m_h.error()));
        const quint64 ritaId = m_h.router()->sessions().at(0).id;
        QCOMPARE(m_h.router()->sessions().at(0).authid, s("rita"));

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

    void roleDisclosureBeatsRealmNever_data() { RouterHarness::addTransportRows(); }
    void roleDisclosureBeatsRealmNever()
    {
        QFETCH(QString, kind);
        FakePeer *rita = login(kind, s("hidden"), s("rita"));
        FakePeer *helper = login(kind, s("hidden"));
        QVERIFY2(rita && helper, qPrintable(m_h.error()));
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
        QVERIFY2(p, qPrintable(m_h.error()));
        const auto m = open(p, realm, authid);
        QVERIFY(m);
        if (expected == u"welcome") {
            QCOMPARE(m->type(), MessageType::Welcome);
            QTRY_COMPARE(m_h.router()->sessionCount(), 1);
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
        QCOMPARE(m_h.router()->sessionCount(), 0);
    }

    // ------------------------------------------------------------------ realm isolation

    void realmIsolation_data() { RouterHarness::addTransportRows(); }
    void realmIsolation()
    {
        QFETCH(QString, kind);
        const QString other = kind == u"ws" ? s("rs") : s("ws");
        FakePeer *a1 = login(kind, s("open.a"));
        FakePeer *a2 = login(other, s("open.a"));
        FakePeer *b1 = login(kind, s("open.b"));
        FakePeer *b2 = login(other, s("open.b"));
        QVERIFY2(a1 && a2 && b1 && b2, qPrintable(m_h.error()));

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
        QVERIFY(b1->barrier()); // its own round trip: anything routed to it before is here
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
