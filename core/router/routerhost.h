// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// RouterHost: the built-in router on its own thread. The host object lives on the thread that creates it (the
// GUI thread in the app); it owns a QThread on which it builds, starts, stops and deletes the Router. Nothing
// on the host's side touches the Router object: start/stop/reconfigure are posted to the router thread, and the
// router thread posts back value copies (RouterSnapshot, SessionInfo, log batches) that the host caches and
// re-emits. So a stall of the window never stalls routing, and a router flood posts a bounded number of events
// to the window (snapshots and log lines at most every kBatchIntervalMs, stats every kStatsIntervalMs).
// Session joins/leaves are one queued signal each (as the router panel shows them one by one).

#include "router.h"
#include "routerconfig.h"
#include "routerlog.h"
#include "routerstats.h"
#include "wamp/result.h"

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QThread>
#include <QUrl>

namespace wb::router {

class RouterWorker;

/// What the host knows about its router, as of the last report from the router thread.
struct RouterSnapshot
{
    enum class State { Stopped, Starting, Running, Stopping };
    State state = State::Stopped;
    bool listening = false;
    QList<QUrl> urls;      ///< the real listening URLs (port 0 resolved); empty unless listening
    int sessionCount = 0;  ///< joined sessions
    int connectionCount = 0; ///< every live connection, joined or still in HELLO/authentication
    RouterConfig config;   ///< the configuration of the running router (or of the last start request)
    RouterStats stats;     ///< refreshed every RouterHost::kStatsIntervalMs while running
    QString lastError;     ///< why the last start failed (cleared by a successful start)
};

class RouterHost : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RouterHost)
public:
    static constexpr int kStatsIntervalMs = 500;
    /// Log lines and snapshot changes are handed over at most this often.
    static constexpr int kBatchIntervalMs = 100;
    /// shutdown() waits this long for the sessions to answer GOODBYE (the router itself closes stragglers after 2 s).
    static constexpr int kShutdownTimeoutMs = 5000;

    explicit RouterHost(QObject *parent = nullptr);
    /// shutdown(): GOODBYE wamp.close.system_shutdown to every session, Router deleted on its thread, thread joined.
    ~RouterHost() override;

    /// Build a Router with \a config on the router thread and start it; started() reports the outcome. While a
    /// router is running or stopping, the new one starts once the old one has stopped (see reconfigure()).
    void start(const RouterConfig &config);
    /// GOODBYE to every session, close the listeners; stopped() once every connection is gone. Cancels a start
    /// that is waiting for the previous router to stop.
    void stop();
    /// Stop the running router (if any), then start one with \a config.
    void reconfigure(const RouterConfig &config);
    /// Stop the router and wait (running this thread's event loop, at most \a timeoutMs) for every session to
    /// leave, delete the Router on its thread and join the thread. Afterwards start() does nothing. Returns false
    /// when the router had not stopped in time (it is deleted anyway; remaining transports are aborted).
    bool shutdown(int timeoutMs = kShutdownTimeoutMs);

    RouterSnapshot snapshot() const { return m_snapshot; }
    bool isListening() const { return m_snapshot.listening; }
    /// The router thread is running (false after shutdown()).
    bool isThreadRunning() const { return m_thread.isRunning(); }
    /// The thread the Router lives on (for tests and benchmarks that check where things run).
    const QThread *routerThread() const { return &m_thread; }

signals:
    /// Answer to start()/reconfigure(): \a status failed (and \a urls is empty) or the router listens on \a urls.
    void started(const wb::Status &status, const QList<QUrl> &urls);
    /// The router stopped (every connection closed) and was deleted.
    void stopped();
    void snapshotChanged(const wb::router::RouterSnapshot &snapshot);
    void sessionJoined(const wb::router::SessionInfo &info);
    void sessionLeft(const wb::router::SessionInfo &info, const QString &reason);
    /// New router log lines (oldest first), at most one batch per kBatchIntervalMs; \a batch.dropped counts the
    /// lines that overflowed the router's ring before they could be handed over.
    void logBatch(const wb::router::RouterLogBatch &batch);

    /// Internal: the router thread has no router left after shutdown() asked it to stop.
    void stopConfirmed(QPrivateSignal);

private:
    friend class RouterWorker;
    void setSnapshot(const RouterSnapshot &s);
    void confirmStopped();

    QThread m_thread;
    RouterWorker *m_worker = nullptr; ///< lives on m_thread; only invokeMethod() reaches it
    RouterSnapshot m_snapshot;
    bool m_shutDown = false;
    bool m_stopConfirmed = false;
};

} // namespace wb::router

Q_DECLARE_METATYPE(wb::Status)
Q_DECLARE_METATYPE(wb::router::RouterConfig)
Q_DECLARE_METATYPE(wb::router::RouterSnapshot)
