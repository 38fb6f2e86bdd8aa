// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// In-process helpers for tests that drive the built-in router with real client Sessions: a router on 127.0.0.1
// port 0, joined sessions, and synchronous call/subscribe wrappers (bounded waits, QTRY-style).

#include "router/router.h"
#include "session/session.h"

#include <QSignalSpy>
#include <QTest>

#include <memory>

namespace wb::testing {

struct CallOutcome
{
    bool done = false;
    bool ok = false;
    session::CallResult result;
    session::WampError error;
    wamp::Value value() const { return result.args.value(0); }
};

struct EventLog
{
    quint64 subscription = 0;
    bool acknowledged = false;
    QString error;
    QList<session::EventData> events;
};

class RouterFixture
{
public:
    std::unique_ptr<router::Router> router;
    QUrl ws, rs;

    bool start(router::RouterConfig cfg)
    {
        cfg.listeners = {router::ListenerConfig{QUrl(QStringLiteral("ws://127.0.0.1:0/ws"))},
                         router::ListenerConfig{QUrl(QStringLiteral("rs://127.0.0.1:0"))}};
        router = std::make_unique<router::Router>(cfg);
        const Status st = router->start();
        if (!st.ok()) {
            qWarning() << st.errorString();
            return false;
        }
        for (const QUrl &u : router->listeningUrls())
            (u.scheme() == u"ws" ? ws : rs) = u;
        return true;
    }

    /// A joined session (nullptr on failure). \a rawsocket: rs + msgpack instead of ws + json.
    std::unique_ptr<session::Session> join(session::SessionOptions o = {}, bool rawsocket = false)
    {
        auto sess = std::make_unique<session::Session>();
        QSignalSpy joined(sess.get(), &session::Session::joined);
        QSignalSpy left(sess.get(), &session::Session::left);
        transport::ConnectOptions c;
        c.url = rawsocket ? rs : ws;
        c.serializer = rawsocket ? codec::SerializerId::MsgPack : codec::SerializerId::Json;
        sess->open(c, o);
        if (!QTest::qWaitFor([&] { return !joined.isEmpty() || !left.isEmpty(); }, 5000) || joined.isEmpty()) {
            if (!left.isEmpty())
                qWarning() << "left:" << left.first();
            return nullptr;
        }
        return sess;
    }

    static std::unique_ptr<session::Session> joinTicket(RouterFixture &f, const QString &authid, const QString &secret)
    {
        session::SessionOptions o;
        o.auth.method = QStringLiteral("ticket");
        o.auth.authid = authid;
        o.auth.secret = secret;
        return f.join(o);
    }

    static CallOutcome call(session::Session &s, const QString &procedure, const wamp::List &args = {},
                            const wamp::Dict &kwargs = {})
    {
        auto out = std::make_shared<CallOutcome>();
        s.call(
            procedure, args, kwargs, {},
            [out](const session::CallResult &r) {
                out->done = out->ok = true;
                out->result = r;
            },
            [out](const session::WampError &e) {
                out->done = true;
                out->error = e;
            });
        (void)QTest::qWaitFor([&] { return out->done; }, 5000);
        return *out;
    }

    /// Subscribes and waits for SUBSCRIBED; events accumulate in the returned log.
    static std::shared_ptr<EventLog> subscribe(session::Session &s, const QString &topic, const wamp::Dict &options = {})
    {
        auto log = std::make_shared<EventLog>();
        s.subscribe(
            topic, options, [log](const session::EventData &e) { log->events.append(e); },
            [log](quint64 id) {
                log->subscription = id;
                log->acknowledged = true;
            },
            [log](const session::WampError &e) {
                log->error = e.uri;
                log->acknowledged = true;
            });
        (void)QTest::qWaitFor([&] { return log->acknowledged; }, 5000);
        return log;
    }

    /// Registers an echo procedure; returns the registration ID (0 on failure).
    static quint64 registerEcho(session::Session &s, const QString &procedure, const wamp::Dict &options = {},
                                QString *error = nullptr)
    {
        struct State { quint64 reg = 0; bool done = false; QString error; };
        auto st = std::make_shared<State>();
        session::Session *sp = &s;
        s.registerProcedure(
            procedure, options, [sp](const session::InvocationData &inv) { sp->yield(inv.requestId, inv.args, inv.kwargs); },
            [st](quint64 id) {
                st->reg = id;
                st->done = true;
            },
            [st](const session::WampError &e) {
                st->error = e.uri;
                st->done = true;
            });
        (void)QTest::qWaitFor([&] { return st->done; }, 5000);
        if (error)
            *error = st->error;
        return st->reg;
    }

    /// Leave and wait until the router has processed it.
    void leave(std::unique_ptr<session::Session> &s)
    {
        if (!s)
            return;
        QSignalSpy left(s.get(), &session::Session::left);
        const int before = router->sessionCount();
        s->leave();
        (void)QTest::qWaitFor([&] { return !left.isEmpty() && router->sessionCount() < before; }, 5000);
        s.reset();
    }
};

} // namespace wb::testing
