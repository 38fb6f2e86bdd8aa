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
    bool done = false; ///< the final RESULT or an ERROR arrived
    bool ok = false;
    session::CallResult result;
    session::WampError error;
    QList<session::CallResult> progress; ///< progressive results before the final one
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

    QUrl unixUrl; ///< set when a unix:// listener is passed to start()

    /// Starts \a cfg on \a listeners (default: ws and rs on 127.0.0.1 port 0, replacing the config's own).
    bool start(router::RouterConfig cfg, QList<router::ListenerConfig> listeners = {})
    {
        if (listeners.isEmpty())
            listeners = {router::ListenerConfig{QUrl(QStringLiteral("ws://127.0.0.1:0/ws"))},
                         router::ListenerConfig{QUrl(QStringLiteral("rs://127.0.0.1:0"))}};
        cfg.listeners = listeners;
        router = std::make_unique<router::Router>(cfg);
        const Status st = router->start();
        if (!st.ok()) {
            qWarning() << st.errorString();
            return false;
        }
        for (const QUrl &u : router->listeningUrls())
            (u.scheme() == u"ws" ? ws : u.scheme() == u"rs" ? rs : unixUrl) = u;
        return true;
    }

    /// "ws", "rs" or "unix".
    QUrl urlFor(const QString &kind) const { return kind == u"ws" ? ws : kind == u"rs" ? rs : unixUrl; }

    /// A joined session (nullptr on failure). \a rawsocket: rs + msgpack instead of ws + json.
    std::unique_ptr<session::Session> join(session::SessionOptions o = {}, bool rawsocket = false)
    {
        return joinAt(rawsocket ? rs : ws, rawsocket ? codec::SerializerId::MsgPack : codec::SerializerId::Json, o);
    }

    /// A session joined over \a url with \a serializer (nullptr on failure, with the reason as a warning).
    static std::unique_ptr<session::Session> joinAt(const QUrl &url, codec::SerializerId serializer,
                                                    const session::SessionOptions &o = {})
    {
        transport::ConnectOptions c;
        c.url = url;
        c.serializer = serializer;
        return joinWith(c, o);
    }

    /// A session joined with transport options \a c (TLS trust, limits); waits up to \a timeoutMs.
    static std::unique_ptr<session::Session> joinWith(const transport::ConnectOptions &c, const session::SessionOptions &o = {},
                                                      int timeoutMs = 5000)
    {
        auto sess = std::make_unique<session::Session>();
        QSignalSpy joined(sess.get(), &session::Session::joined);
        QSignalSpy left(sess.get(), &session::Session::left);
        sess->open(c, o);
        if (!QTest::qWaitFor([&] { return !joined.isEmpty() || !left.isEmpty(); }, timeoutMs) || joined.isEmpty()) {
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

    /// CALL and wait (bounded) for the final RESULT or an ERROR; progressive results collect in progress.
    /// done stays false when nothing final arrived in time.
    static CallOutcome call(session::Session &s, const QString &procedure, const wamp::List &args = {},
                            const wamp::Dict &kwargs = {}, const wamp::Dict &options = {}, int timeoutMs = 5000)
    {
        auto out = std::make_shared<CallOutcome>();
        s.call(
            procedure, args, kwargs, options,
            [out](const session::CallResult &r) {
                if (r.progress) {
                    out->progress.append(r);
                    return;
                }
                out->done = out->ok = true;
                out->result = r;
            },
            [out](const session::WampError &e) {
                out->done = true;
                out->error = e;
            });
        (void)QTest::qWaitFor([&] { return out->done; }, timeoutMs);
        return *out;
    }

    /// Round-trip barrier for "nothing arrives" checks: \a s calls wamp.session.count and waits for the answer
    /// (RESULT or ERROR). The router is single-threaded and each transport keeps order, so once the answer is
    /// here, every EVENT/INVOCATION the router sent \a s before has been delivered (and its handler has run).
    static bool barrier(session::Session &s, int timeoutMs = 5000)
    {
        return call(s, QStringLiteral("wamp.session.count"), {}, {}, {}, timeoutMs).done;
    }

    /// PUBLISH with acknowledge and wait (bounded) for PUBLISHED. False, with the reason as a warning and in
    /// \a error, on an ERROR reply or a timeout. The state lives in a shared_ptr: the callbacks may fire after a
    /// timeout returned.
    [[nodiscard]] static bool publish(session::Session &s, const QString &topic, const wamp::List &args,
                                      const wamp::Dict &options = {}, QString *error = nullptr)
    {
        struct State { bool done = false; bool ok = false; QString error; };
        auto st = std::make_shared<State>();
        wamp::Dict o = options;
        o.insert(QStringLiteral("acknowledge"), true);
        s.publish(
            topic, args, {}, o,
            [st](quint64) {
                st->done = st->ok = true;
            },
            [st](const session::WampError &e) {
                st->error = e.toString();
                st->done = true;
            });
        if (!QTest::qWaitFor([&] { return st->done; }, 5000))
            st->error = QStringLiteral("no PUBLISHED within 5 s");
        if (!st->ok)
            qWarning() << "RouterFixture::publish" << topic << "failed:" << st->error;
        if (error)
            *error = st->error;
        return st->ok;
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

    /// Leave and wait until the router has processed it. False when that did not happen in time (callers
    /// QVERIFY it).
    [[nodiscard]] bool leave(std::unique_ptr<session::Session> &s)
    {
        if (!s)
            return true;
        QSignalSpy left(s.get(), &session::Session::left);
        const int before = router->sessionCount();
        s->leave();
        const bool done = QTest::qWaitFor([&] { return !left.isEmpty() && router->sessionCount() < before; }, 5000);
        s.reset();
        if (!done)
            qWarning("RouterFixture::leave: the router did not see the session leave within 5 s");
        return done;
    }
};

} // namespace wb::testing
