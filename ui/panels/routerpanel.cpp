// SPDX-License-Identifier: GPL-3.0-or-later
#include "routerpanel.h"

#include "client/connection.h"
#include "metamonitor.h"
#include "router/router.h"

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

RouterPanel::RouterPanel(router::Router *router, QWidget *parent) : QWidget(parent), m_router(router)
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
        if (m_router && m_router->isListening())
            stopRouter();
        else
            startRouter();
    });
    if (m_router) {
        connect(m_router, &router::Router::sessionJoined, this, &RouterPanel::addSession);
        connect(m_router, &router::Router::sessionLeft, this, &RouterPanel::removeSession);
        connect(m_router, &router::Router::logMessage, this, &RouterPanel::appendLog);
        connect(m_router, &router::Router::stopped, this, &RouterPanel::refreshStatus);
    }
    refreshStatus();
}

void RouterPanel::startRouter()
{
    if (!m_router || m_router->isListening())
        return;
    const Status st = m_router->start();
    appendLog(st.ok() ? tr("router started") : tr("the router could not start: %1").arg(st.errorString()));
    refreshStatus();
    emit routerStateChanged();
}

void RouterPanel::stopRouter()
{
    if (!m_router || !m_router->isListening())
        return;
    m_router->stop();
    appendLog(tr("router stopped"));
    refreshStatus();
    emit routerStateChanged();
}

void RouterPanel::refreshStatus()
{
    m_startStop->setEnabled(m_router != nullptr);
    if (!m_router) {
        m_status->setText(tr("not running (started with --no-router)"));
        m_startStop->setText(tr("Start"));
        m_config->clear();
        return;
    }
    QStringList urls;
    for (const QUrl &u : m_router->listeningUrls())
        urls << u.toString();
    m_status->setText(urls.isEmpty() ? tr("stopped") : tr("listening on %1 — %n session(s)", nullptr, m_router->sessionCount())
                                                           .arg(urls.join(QStringLiteral(", "))));
    m_startStop->setText(m_router->isListening() ? tr("Stop") : tr("Start"));
    const router::RouterConfig &c = m_router->config();
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
    m_config->setText(tr("Realms: %1%2. Auth: %3.")
                          .arg(realms.isEmpty() ? tr("none configured") : realms.join(QStringLiteral(", ")),
                               c.autoCreateRealms ? tr(", others created on demand") : QString(),
                               auth.isEmpty() ? tr("anonymous only") : auth.join(QStringLiteral(", "))));
}

void RouterPanel::addSession(const router::SessionInfo &i)
{
    appendLog(tr("session %1 joined realm %2 as %3 (%4) via %5/%6 from %7")
                  .arg(i.id)
                  .arg(i.realm, i.authid, i.authrole, i.transport, i.serializer, i.peer));
    refreshStatus();
}

void RouterPanel::removeSession(const router::SessionInfo &i, const QString &reason)
{
    appendLog(tr("session %1 left realm %2: %3").arg(i.id).arg(i.realm, reason));
    refreshStatus();
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
