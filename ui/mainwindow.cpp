// SPDX-License-Identifier: GPL-3.0-or-later
#include "mainwindow.h"

#include "router/router.h"

#include <QDateTime>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSplitter>
#include <QStatusBar>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace wb::ui {

namespace {
constexpr int kMaxLogLines = 10000; // bounded: the log never grows without limit
}

MainWindow::MainWindow(router::Router *router, QWidget *parent) : QMainWindow(parent), m_router(router)
{
    setWindowTitle(tr("Wampscope"));
    resize(960, 600);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    m_status = new QLabel(central);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setWordWrap(true);
    layout->addWidget(m_status);

    auto *split = new QSplitter(Qt::Vertical, central);
    m_sessions = new QTreeWidget(split);
    m_sessions->setRootIsDecorated(false);
    m_sessions->setHeaderLabels({tr("Session"), tr("Realm"), tr("Auth ID"), tr("Role"), tr("Method"),
                                 tr("Transport"), tr("Serializer"), tr("Peer")});
    m_sessions->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_log = new QPlainTextEdit(split);
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(kMaxLogLines);
    m_log->setPlaceholderText(tr("Router events appear here."));
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 1);
    layout->addWidget(split, 1);
    setCentralWidget(central);

    if (m_router) {
        connect(m_router, &router::Router::sessionJoined, this, &MainWindow::addSession);
        connect(m_router, &router::Router::sessionLeft, this, &MainWindow::removeSession);
        connect(m_router, &router::Router::logMessage, this, &MainWindow::appendLog);
        for (const router::SessionInfo &s : m_router->sessions())
            addSession(s);
    }
    refreshStatus();
}

void MainWindow::refreshStatus()
{
    if (!m_router) {
        m_status->setText(tr("Built-in router: not running"));
        statusBar()->showMessage(tr("Router stopped"));
        return;
    }
    QStringList urls;
    for (const QUrl &u : m_router->listeningUrls())
        urls << u.toString();
    m_status->setText(urls.isEmpty() ? tr("Built-in router: not listening")
                                     : tr("Built-in router listening on %1").arg(urls.join(QStringLiteral(", "))));
    statusBar()->showMessage(tr("%n session(s)", nullptr, m_router->sessionCount()));
}

void MainWindow::addSession(const router::SessionInfo &i)
{
    auto *item = new QTreeWidgetItem(m_sessions, {QString::number(i.id), i.realm, i.authid, i.authrole, i.authmethod,
                                                  i.transport, i.serializer, i.peer});
    item->setData(0, Qt::UserRole, QVariant::fromValue(i.id));
    appendLog(tr("session %1 joined realm %2 as %3 (%4)").arg(i.id).arg(i.realm, i.authid, i.authrole));
    refreshStatus();
}

void MainWindow::removeSession(const router::SessionInfo &i, const QString &reason)
{
    for (int row = 0; row < m_sessions->topLevelItemCount(); ++row) {
        if (m_sessions->topLevelItem(row)->data(0, Qt::UserRole).toULongLong() == i.id) {
            delete m_sessions->takeTopLevelItem(row);
            break;
        }
    }
    appendLog(tr("session %1 left realm %2: %3").arg(i.id).arg(i.realm, reason));
    refreshStatus();
}

void MainWindow::appendLog(const QString &line)
{
    m_log->appendPlainText(QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss.zzz  ")) + line);
}

int MainWindow::logLineCount() const
{
    return m_log->document()->blockCount();
}

int MainWindow::sessionRowCount() const
{
    return m_sessions->topLevelItemCount();
}

} // namespace wb::ui
