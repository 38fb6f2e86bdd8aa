// SPDX-License-Identifier: GPL-3.0-or-later
#include "routerhost.h"

#include "routerlogging.h"

#include <QEventLoop>
#include <QTimer>

#include <memory>
#include <optional>

namespace wb::router {

/// Lives on the router thread: owns the Router, turns its signals into value copies posted to the host.
/// Everything here runs on the router thread; the host is only ever used as an invokeMethod() context.
class RouterWorker : public QObject
{
    Q_DISABLE_COPY_MOVE(RouterWorker)
public:
    explicit RouterWorker(RouterHost *host) : m_host(host) {}

    /// Called once on the router thread, before anything else.
    void init()
    {
        m_statsTimer = new QTimer(this);
        m_statsTimer->setInterval(RouterHost::kStatsIntervalMs);
        connect(m_statsTimer, &QTimer::timeout, this, [this] { pollStats(); });
        m_batchTimer = new QTimer(this);
        m_batchTimer->setSingleShot(true);
        m_batchTimer->setInterval(RouterHost::kBatchIntervalMs);
        connect(m_batchTimer, &QTimer::timeout, this, [this] { flush(); });
    }

    void start(const RouterConfig &config)
    {
        if (m_router) {
            // The running (or stopping) router goes first; this config starts once it has stopped.
            m_pendingStart = config;
            if (m_state == RouterSnapshot::State::Running)
                beginStop();
            return;
        }
        m_config = config;
        m_state = RouterSnapshot::State::Starting;
        m_router = std::make_unique<Router>(config); // built here, so its realms' timers live on this thread
        Router *r = m_router.get();
        m_logSent = 0;
        connect(r, &Router::sessionJoined, this, [this](const SessionInfo &info) {
            QMetaObject::invokeMethod(m_host, [h = m_host, info] { emit h->sessionJoined(info); }, Qt::QueuedConnection);
            markDirty();
        });
        connect(r, &Router::sessionLeft, this, [this](const SessionInfo &info, const QString &reason) {
            QMetaObject::invokeMethod(m_host, [h = m_host, info, reason] { emit h->sessionLeft(info, reason); },
                                      Qt::QueuedConnection);
            markDirty();
        });
        // The text is read back from the router's ring when the batch goes out: no copy per line here.
        connect(r, &Router::logMessage, this, [this] { scheduleFlush(); });
        connect(r, &Router::stopped, this, [this] { finishStop(); });
        const Status st = r->start();
        if (!st.ok()) {
            m_lastError = st.errorString();
            flush(); // lines the failed start logged
            m_router.reset();
            m_state = RouterSnapshot::State::Stopped;
            postSnapshot();
            QMetaObject::invokeMethod(m_host, [h = m_host, st] { emit h->started(st, {}); }, Qt::QueuedConnection);
            startPending();
            return;
        }
        m_lastError.clear();
        m_state = RouterSnapshot::State::Running;
        m_statsTimer->start();
        const QList<QUrl> urls = r->listeningUrls();
        postSnapshot();
        QMetaObject::invokeMethod(m_host, [h = m_host, urls] { emit h->started(Status(), urls); }, Qt::QueuedConnection);
    }

    void stop()
    {
        m_pendingStart.reset();
        if (m_router && m_state == RouterSnapshot::State::Running)
            beginStop();
        else if (!m_router)
            postSnapshot(); // nothing runs: the host's "Starting"/"Stopping" guess is corrected
    }

    /// stop(), then tell the host once no router is left (whatever starts were queued before this call).
    void stopForShutdown()
    {
        m_shutdownRequested = true;
        stop();
        if (!m_router)
            confirmShutdown();
    }

    /// Last call on this thread: the Router goes (sessions still open are aborted by its destructor).
    void destroy()
    {
        m_pendingStart.reset();
        m_statsTimer->stop();
        m_batchTimer->stop();
        if (m_router) {
            flush();
            m_router->disconnect(this);
            m_router.reset();
        }
    }

private:
    void beginStop()
    {
        m_state = RouterSnapshot::State::Stopping;
        m_router->stop(wamp::uris::closeSystemShutdown);
        postSnapshot();
    }

    void finishStop()
    {
        m_statsTimer->stop();
        flush();
        m_stats = m_router->stats();
        // stopped() is emitted from one of the router's own queued calls: delete it once that call returns.
        Router *r = m_router.release();
        r->disconnect(this);
        r->deleteLater();
        m_state = RouterSnapshot::State::Stopped;
        postSnapshot();
        QMetaObject::invokeMethod(m_host, [h = m_host] { emit h->stopped(); }, Qt::QueuedConnection);
        if (m_shutdownRequested)
            confirmShutdown();
        else
            startPending();
    }

    void confirmShutdown()
    {
        QMetaObject::invokeMethod(m_host, [h = m_host] { h->confirmStopped(); }, Qt::QueuedConnection);
    }

    void startPending()
    {
        if (!m_pendingStart)
            return;
        const RouterConfig next = *m_pendingStart;
        m_pendingStart.reset();
        start(next);
    }

    void pollStats()
    {
        if (!m_router)
            return;
        const RouterStats s = m_router->stats();
        if (!(s == m_stats)) {
            m_stats = s;
            markDirty();
        }
    }

    void markDirty()
    {
        m_dirty = true;
        scheduleFlush();
    }

    void scheduleFlush()
    {
        if (!m_batchTimer->isActive())
            m_batchTimer->start();
    }

    /// Hand over what changed since the last batch: new log lines, and the snapshot if it changed.
    void flush()
    {
        m_batchTimer->stop();
        if (m_router) {
            RouterLogBatch batch = m_router->eventLog().since(m_logSent);
            m_logSent = m_router->eventLog().lastSeq();
            if (!batch.lines.isEmpty() || batch.dropped > 0)
                QMetaObject::invokeMethod(m_host, [h = m_host, batch] { emit h->logBatch(batch); }, Qt::QueuedConnection);
        }
        if (m_dirty)
            postSnapshot();
    }

    void postSnapshot()
    {
        m_dirty = false;
        RouterSnapshot s;
        s.state = m_state;
        s.config = m_config;
        s.lastError = m_lastError;
        if (m_router) {
            s.urls = m_router->listeningUrls();
            s.listening = m_router->isListening();
            s.sessionCount = m_router->sessionCount();
            s.connectionCount = m_router->connectionCount();
            m_stats = m_router->stats();
        }
        s.stats = m_stats;
        QMetaObject::invokeMethod(m_host, [h = m_host, s] { h->setSnapshot(s); }, Qt::QueuedConnection);
    }

    RouterHost *m_host;
    std::unique_ptr<Router> m_router;
    std::optional<RouterConfig> m_pendingStart;
    RouterConfig m_config;
    RouterSnapshot::State m_state = RouterSnapshot::State::Stopped;
    QString m_lastError;
    RouterStats m_stats;
    quint64 m_logSent = 0; ///< last router log seq handed over
    bool m_dirty = false;
    bool m_shutdownRequested = false;
    QTimer *m_statsTimer = nullptr;
    QTimer *m_batchTimer = nullptr;
};

RouterHost::RouterHost(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<wb::Status>();
    qRegisterMetaType<wb::router::RouterConfig>();
    qRegisterMetaType<wb::router::RouterSnapshot>();
    qRegisterMetaType<wb::router::RouterStats>();
    qRegisterMetaType<wb::router::SessionInfo>();
    qRegisterMetaType<wb::router::RouterLogLine>();
    qRegisterMetaType<wb::router::RouterLogBatch>();
    m_thread.setObjectName(QStringLiteral("wb-router"));
    m_worker = new RouterWorker(this);
    m_worker->moveToThread(&m_thread);
    m_thread.start();
    QMetaObject::invokeMethod(m_worker, [w = m_worker] { w->init(); }, Qt::QueuedConnection);
}

RouterHost::~RouterHost()
{
    shutdown();
}

void RouterHost::start(const RouterConfig &config)
{
    if (m_shutDown)
        return;
    if (m_snapshot.state == RouterSnapshot::State::Stopped) {
        m_snapshot.state = RouterSnapshot::State::Starting;
        m_snapshot.config = config;
    }
    QMetaObject::invokeMethod(m_worker, [w = m_worker, config] { w->start(config); }, Qt::QueuedConnection);
}

void RouterHost::stop()
{
    if (m_shutDown)
        return;
    QMetaObject::invokeMethod(m_worker, [w = m_worker] { w->stop(); }, Qt::QueuedConnection);
}

void RouterHost::reconfigure(const RouterConfig &config)
{
    // The worker stops a running router first and starts the new one from its stopped() handler.
    start(config);
}

bool RouterHost::shutdown(int timeoutMs)
{
    if (m_shutDown)
        return true;
    m_shutDown = true;
    QEventLoop loop;
    connect(this, &RouterHost::stopConfirmed, &loop, &QEventLoop::quit);
    QTimer deadline;
    deadline.setSingleShot(true);
    connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
    QMetaObject::invokeMethod(m_worker, [w = m_worker] { w->stopForShutdown(); }, Qt::QueuedConnection);
    deadline.start(timeoutMs);
    // This thread's sessions (e.g. the window's own connection) answer the GOODBYE while we wait here.
    if (!m_stopConfirmed)
        loop.exec(QEventLoop::ExcludeUserInputEvents);
    const bool clean = m_stopConfirmed;
    if (!clean)
        qCWarning(lcRouter) << "router shutdown: sessions still open after" << timeoutMs << "ms; closing them";
    QMetaObject::invokeMethod(m_worker, [w = m_worker] {
        w->destroy();
        delete w;
    }, Qt::BlockingQueuedConnection);
    m_worker = nullptr;
    m_thread.quit();
    m_thread.wait();
    m_snapshot.state = RouterSnapshot::State::Stopped;
    m_snapshot.listening = false;
    m_snapshot.urls.clear();
    m_snapshot.sessionCount = 0;
    m_snapshot.connectionCount = 0;
    return clean;
}

void RouterHost::confirmStopped()
{
    m_stopConfirmed = true;
    emit stopConfirmed(QPrivateSignal());
}

void RouterHost::setSnapshot(const RouterSnapshot &s)
{
    m_snapshot = s;
    emit snapshotChanged(m_snapshot);
}

} // namespace wb::router
