// SPDX-License-Identifier: GPL-3.0-or-later
#include "routerpanel.h"

#include "client/connection.h"
#include "metamonitor.h"
#include "router/routerhost.h"

#include <QComboBox>

#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>

namespace wb::ui {

namespace {
constexpr int kMaxLogLines = 10000; // bounded: the log never grows without limit
}

RouterPanel::RouterPanel(router::RouterHost *host, QWidget *parent) : QWidget(parent), m_host(host)
{
    auto *layout = new QVBoxLayout(this);
    auto *top = new QHBoxLayout;
    auto *title = new QLabel(tr("<b>Built-in router</b>"), this);
    top->addWidget(title);
    m_status = new QLabel(this);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setWordWrap(true);
    top->addWidget(m_status, 1);
    m_startStop = new QPushButton(this);
    m_startStop->setObjectName(QStringLiteral("routerStartStop"));
    top->addWidget(m_startStop);
    layout->addLayout(top);
    m_config = new QLabel(this);
    m_config->setWordWrap(true);
    m_config->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_config);

    auto *split = new QSplitter(Qt::Vertical, this);
    auto *live = new QWidget(split);
    auto *liveLayout = new QVBoxLayout(live);
    liveLayout->setContentsMargins(0, 0, 0, 0);
    auto *viaRow = new QHBoxLayout;
    viaRow->addWidget(new QLabel(tr("Live lists (WAMP meta API) through connection:"), live));
    m_via = new QComboBox(live);
    m_via->setObjectName(QStringLiteral("routerMonitorVia"));
    m_via->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    viaRow->addWidget(m_via);
    viaRow->addStretch(1);
    liveLayout->addLayout(viaRow);
    m_monitor = new MetaMonitor(nullptr, live);
    liveLayout->addWidget(m_monitor, 1);
    connect(m_via, &QComboBox::currentIndexChanged, this, [this]() {
        auto *c = m_via->currentData().value<client::Connection *>();
        m_monitor->setSession(c ? c->session() : nullptr);
    });
    m_log = new QPlainTextEdit(split);
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(kMaxLogLines);
    m_log->setPlaceholderText(tr("Router events appear here."));
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);

    connect(m_startStop, &QPushButton::clicked, this, [this]() {
        if (m_host && m_host->snapshot().state == router::RouterSnapshot::State::Running)
            stopRouter();
        else
            startRouter();
    });
    if (m_host) {
        using router::RouterHost;
        connect(m_host, &RouterHost::sessionJoined, this, &RouterPanel::addSession);
        connect(m_host, &RouterHost::sessionLeft, this, &RouterPanel::removeSession);
        connect(m_host, &RouterHost::logBatch, this, &RouterPanel::appendBatch);
        connect(m_host, &RouterHost::snapshotChanged, this, &RouterPanel::refreshStatus);
        connect(m_host, &RouterHost::started, this, [this](const Status &st) {
            appendLog(st.ok() ? tr("router started") : tr("the router could not start: %1").arg(st.errorString()));
            refreshStatus();
            emit routerStateChanged();
        });
        connect(m_host, &RouterHost::stopped, this, [this]() {
            appendLog(tr("router stopped"));
            refreshStatus();
            emit routerStateChanged();
        });
    }
    refreshStatus();
}

void RouterPanel::startRouter()
{
    if (!m_host || m_host->snapshot().state != router::RouterSnapshot::State::Stopped)
        return;
    router::RouterConfig config = m_host->snapshot().config;
    if (config.listeners.isEmpty())
        config = router::RouterConfig::defaults();
    m_host->start(config);
    refreshStatus();
}

void RouterPanel::stopRouter()
{
    if (!m_host || !m_host->isListening())
        return;
    m_host->stop();
}

void RouterPanel::refreshStatus()
{
    using State = router::RouterSnapshot::State;
    m_startStop->setEnabled(m_host != nullptr);
    if (!m_host) {
        m_status->setText(tr("not running (started with --no-router)"));
        m_startStop->setText(tr("Start"));
        m_config->clear();
        return;
    }
    const router::RouterSnapshot snap = m_host->snapshot();
    QStringList urls;
    for (const QUrl &u : snap.urls)
        urls << u.toString();
    switch (snap.state) {
    case State::Starting: m_status->setText(tr("starting…")); break;
    case State::Stopping: m_status->setText(tr("stopping (waiting for %n session(s) to leave)…", nullptr, snap.connectionCount)); break;
    case State::Stopped:
    case State::Running:
        m_status->setText(urls.isEmpty() ? tr("stopped")
                                         : tr("listening on %1 — %n session(s)", nullptr, snap.sessionCount)
                                               .arg(urls.join(QStringLiteral(", "))));
        break;
    }
    m_startStop->setText(snap.state == State::Running ? tr("Stop") : tr("Start"));
    m_startStop->setEnabled(snap.state == State::Running || snap.state == State::Stopped);
    const router::RouterConfig &c = snap.config;
    QStringList realms;
    for (const router::RealmConfig &r : c.realms)
        realms << (r.allowAnonymous ? tr("%1 (anonymous allowed as %2)").arg(r.name, r.anonymousRole)
                                    : tr("%1 (authenticated only)").arg(r.name));
    QMap<QString, int> methods;
    for (const router::UserConfig &u : c.users)
        ++methods[u.authmethod];
    QStringList auth;
    for (auto it = methods.cbegin(); it != methods.cend(); ++it)
        auth << tr("%1: %n user(s)", nullptr, it.value()).arg(it.key());
    m_config->setText(tr("Realms: %1%2. Auth: %3. Routed: %4 publication(s), %5 call(s), %6 protocol violation(s).")
                          .arg(realms.isEmpty() ? tr("none configured") : realms.join(QStringLiteral(", ")),
                               c.autoCreateRealms ? tr(", others created on demand") : QString(),
                               auth.isEmpty() ? tr("anonymous only") : auth.join(QStringLiteral(", ")))
                          .arg(snap.stats.publications)
                          .arg(snap.stats.calls)
                          .arg(snap.stats.protocolViolations));
}

void RouterPanel::addSession(const router::SessionInfo &i)
{
    // The session count comes with the next snapshot (batched); the line goes in now.
    appendLog(tr("session %1 joined realm %2 as %3 (%4) via %5/%6 from %7")
                  .arg(i.id)
                  .arg(i.realm, i.authid, i.authrole, i.transport, i.serializer, i.peer));
}

void RouterPanel::removeSession(const router::SessionInfo &i, const QString &reason)
{
    appendLog(tr("session %1 left realm %2: %3").arg(i.id).arg(i.realm, reason));
}

void RouterPanel::appendBatch(const router::RouterLogBatch &batch)
{
    // One append for the whole batch: a violation flood costs one layout pass per batch, not one per line.
    QStringList lines;
    lines.reserve(batch.lines.size() + 1);
    if (batch.dropped > 0)
        lines << tr("(%n older router log line(s) dropped)", nullptr, int(qMin<quint64>(batch.dropped, INT_MAX)));
    for (const router::RouterLogLine &l : batch.lines)
        lines << QDateTime::fromMSecsSinceEpoch(l.timeMs).toString(QStringLiteral("HH:mm:ss.zzz  ")) + l.text;
    if (!lines.isEmpty())
        m_log->appendPlainText(lines.join(QLatin1Char('\n')));
}

void RouterPanel::addConnection(client::Connection *c)
{
    m_via->addItem(c->name(), QVariant::fromValue(c));
    connect(c, &client::Connection::profileChanged, this, [this, c]() {
        const int i = m_via->findData(QVariant::fromValue(c));
        if (i >= 0)
            m_via->setItemText(i, c->name());
    });
}

void RouterPanel::removeConnection(client::Connection *c)
{
    c->disconnect(this);
    const int i = m_via->findData(QVariant::fromValue(c));
    if (i >= 0)
        m_via->removeItem(i);
}

void RouterPanel::setMonitorConnection(client::Connection *c)
{
    const int i = m_via->findData(QVariant::fromValue(c));
    if (i >= 0)
        m_via->setCurrentIndex(i);
}

void RouterPanel::appendLog(const QString &line)
{
    m_log->appendPlainText(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss.zzz  ")) + line);
}

int RouterPanel::logLineCount() const
{
    return m_log->document()->blockCount();
}

int RouterPanel::sessionRowCount() const
{
    return m_monitor->sessionCount();
}

} // namespace wb::ui
