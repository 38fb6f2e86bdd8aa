// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Shared by the GUI benchmarks (wampscope-guiflood, wampscope-routerhost-bench): a publisher that floods at a
// target rate on its own thread, helpers to run code on another thread and to wait on the GUI thread without
// spinning, and a wait for RouterHost::started. Header-only: each benchmark is one executable.

#include "router/routerhost.h"
#include "session/session.h"
#include "transport/transport.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QMetaObject>
#include <QObject>
#include <QStringList>
#include <QTimer>
#include <QUrl>

#include <atomic>
#include <cmath>
#include <functional>

namespace wb::bench {

/// Publishes on its own thread at a target rate (spread over ticks of 2 ms), without acknowledge.
class Flooder : public QObject
{
public:
    Flooder(QUrl url, codec::SerializerId ser, double rate, int index) : m_url(std::move(url)), m_ser(ser), m_rate(rate), m_index(index) {}

    void open()
    {
        m_session = new session::Session(this);
        connect(m_session, &session::Session::joined, this, [this] { m_joined = true; });
        transport::ConnectOptions c;
        c.url = m_url;
        c.serializer = m_ser;
        m_session->open(c, {});
    }
    /// Publish for \a durationMs at the target rate; start() again after pause() resumes from there.
    void start(qint64 durationMs)
    {
        m_duration = durationMs;
        m_base = m_sent.load();
        m_finished = false;
        m_clock.start();
        if (!m_timer) {
            m_timer = new QTimer(this);
            m_timer->setTimerType(Qt::PreciseTimer);
            connect(m_timer, &QTimer::timeout, this, [this] { tick(); });
        }
        m_timer->start(2);
    }
    /// Stop publishing, stay joined.
    void pause()
    {
        if (m_timer)
            m_timer->stop();
    }
    void stop()
    {
        if (m_timer)
            m_timer->stop();
        if (m_session)
            m_session->leave();
    }
    bool joined() const { return m_joined; }
    quint64 sent() const { return m_sent.load(); }
    bool finished() const { return m_finished.load(); }

private:
    void tick()
    {
        const qint64 el = m_clock.elapsed();
        if (el >= m_duration || !m_session->isJoined()) {
            m_timer->stop();
            m_finished = true;
            return;
        }
        const quint64 due = m_base + quint64(m_rate * double(el) / 1000.0);
        transport::Transport *t = m_session->transport();
        int budget = 20000;
        while (m_sent.load() < due && budget-- > 0) {
            if (t && t->bytesToWrite() > 4 * 1024 * 1024) // the socket is full: the router is the bottleneck
                break;
            const quint64 i = m_sent.load();
            const double temp = 20.0 + 5.0 * std::sin(double(i) / 5000.0);
            wamp::Dict kw;
            kw.insert(QStringLiteral("temp"), temp);
            kw.insert(QStringLiteral("unit"), QStringLiteral("C"));
            m_session->publish(m_topics[i % 8], wamp::List{qint64(i), m_index}, kw, {});
            m_sent.fetch_add(1);
        }
    }

    QUrl m_url;
    codec::SerializerId m_ser;
    double m_rate;
    int m_index;
    session::Session *m_session = nullptr;
    QTimer *m_timer = nullptr;
    QElapsedTimer m_clock;
    qint64 m_duration = 0;
    bool m_joined = false;
    std::atomic<quint64> m_sent{0};
    quint64 m_base = 0; ///< m_sent when start() was called
    std::atomic<bool> m_finished{false};
    const QStringList m_topics{QStringLiteral("com.bench.sensor.a0"), QStringLiteral("com.bench.sensor.a1"),
                               QStringLiteral("com.bench.sensor.b0"), QStringLiteral("com.bench.sensor.b1"),
                               QStringLiteral("com.bench.room.kitchen"), QStringLiteral("com.bench.room.hall"),
                               QStringLiteral("com.bench.power.meter"), QStringLiteral("com.bench.power.solar")};
};

template<typename F>
void runIn(QObject *ctx, F f)
{
    QMetaObject::invokeMethod(ctx, f, Qt::BlockingQueuedConnection);
}

inline bool waitUntil(const std::function<bool()> &cond, int timeoutMs)
{
    // An event loop with a 10 ms check (not a processEvents() spin, which would burn the GUI thread's CPU).
    if (cond())
        return true;
    QEventLoop loop;
    QElapsedTimer t;
    t.start();
    bool ok = false;
    QTimer check;
    QObject::connect(&check, &QTimer::timeout, &loop, [&] {
        if (cond()) {
            ok = true;
            loop.quit();
        } else if (t.elapsed() > timeoutMs) {
            loop.quit();
        }
    });
    check.start(10);
    loop.exec();
    return ok;
}

/// Waits (event loop) for the host's answer to start(); true if the router listens.
inline bool startedWithin(router::RouterHost &host, int timeoutMs)
{
    bool answered = false;
    QMetaObject::Connection c = QObject::connect(&host, &router::RouterHost::started, &host, [&] { answered = true; });
    waitUntil([&] { return answered || host.isListening(); }, timeoutMs);
    QObject::disconnect(c);
    return host.isListening();
}

} // namespace wb::bench
