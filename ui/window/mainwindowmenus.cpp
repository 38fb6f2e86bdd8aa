// SPDX-License-Identifier: GPL-3.0-or-later
// MainWindow's menus, toolbar and theme (the menu actions call the window's public operations). Kept apart
// from mainwindow.cpp, which holds the profiles, the sidebar and the status bar.

#include "mainwindow.h"

#include "client/connection.h"
#include "connectionworkspace.h"
#include "dialogs/profileimportexport.h"
#include "panels/trafficlogpanel.h"
#include "theme.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QDockWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>
#include <QToolBar>
#include <QTreeWidget>

namespace wb::ui {

using client::Connection;

void MainWindow::buildActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    m_newAct = file->addAction(tr("&New connection…"), this, &MainWindow::newProfileDialog);
    m_newAct->setShortcut(QKeySequence::New);
    file->addSeparator();
    file->addAction(tr("&Import profiles…"), this, [this]() { importProfilesDialog(this); });
    file->addAction(tr("&Export profiles…"), this, [this]() { exportProfilesDialog(this); });
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *conn = menuBar()->addMenu(tr("&Connection"));
    m_connectAct = conn->addAction(tr("&Connect"), this, [this]() {
        if (Connection *c = currentConnection())
            connectTo(c);
    });
    m_connectAct->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return));
    m_disconnectAct = conn->addAction(tr("&Disconnect"), this, [this]() {
        if (Connection *c = currentConnection())
            c->close();
    });
    m_disconnectAct->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Return));
    m_cancelReconnectAct = conn->addAction(tr("Cancel &reconnect"), this, [this]() {
        if (Connection *c = currentConnection())
            c->cancelReconnect();
    });
    m_cancelReconnectAct->setShortcut(QKeySequence(Qt::Key_Escape));
    conn->addSeparator();
    m_editAct = conn->addAction(tr("&Edit…"), this, &MainWindow::editProfileDialog);
    m_editAct->setShortcut(QKeySequence(Qt::Key_F2));
    m_duplicateAct = conn->addAction(tr("D&uplicate"), this, [this]() {
        if (Connection *c = currentConnection())
            selectConnection(duplicateProfile(c));
    });
    m_duplicateAct->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_D));
    m_deleteAct = conn->addAction(tr("De&lete"), this, [this]() {
        Connection *c = currentConnection();
        if (!c)
            return;
        if (QMessageBox::question(this, tr("Delete connection"),
                                  tr("Delete the connection profile \"%1\" (and its stored secret)?").arg(c->name()))
            == QMessageBox::Yes)
            removeProfile(c);
    });
    m_deleteAct->setShortcut(QKeySequence::Delete);
    m_deleteAct->setShortcutContext(Qt::WidgetShortcut);
    m_sidebar->addAction(m_deleteAct);

    auto *tb = addToolBar(tr("Connections"));
    tb->setObjectName(QStringLiteral("ConnectionToolBar"));
    tb->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_newAct->setIcon(style()->standardIcon(QStyle::SP_FileIcon));
    m_connectAct->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    m_disconnectAct->setIcon(style()->standardIcon(QStyle::SP_MediaStop));
    m_editAct->setIcon(style()->standardIcon(QStyle::SP_FileDialogDetailedView));
    tb->addAction(m_newAct);
    tb->addAction(m_editAct);
    tb->addAction(m_connectAct);
    tb->addAction(m_disconnectAct);
    for (QAction *a : {m_connectAct, m_disconnectAct, m_cancelReconnectAct, m_editAct, m_duplicateAct})
        m_sidebar->addAction(a);
    m_sidebar->addAction(m_deleteAct);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *routerAct = view->addAction(tr("&Router panel"), this, &MainWindow::selectRouter);
    routerAct->setShortcut(QKeySequence(Qt::ALT | Qt::Key_0));
    const QStringList titles = ConnectionWorkspace::standardPanelTitles();
    for (int i = 0; i < titles.size(); ++i) {
        QAction *a = view->addAction(tr("%1 panel").arg(titles.at(i)), this, [this, title = titles.at(i)]() {
            Connection *c = currentConnection();
            if (!c && !m_connections.isEmpty())
                selectConnection(c = m_connections.first());
            if (ConnectionWorkspace *w = workspace(c))
                w->showPanel(title);
        });
        a->setShortcut(QKeySequence(Qt::ALT | Qt::Key(Qt::Key_1 + i)));
    }
    view->addSeparator();
    QAction *sidebarFocus = view->addAction(tr("Focus the connection &list"), this, [this]() { m_sidebar->setFocus(); });
    sidebarFocus->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    QAction *trafficAct = m_trafficDock->toggleViewAction();
    trafficAct->setText(tr("&Traffic log"));
    trafficAct->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    view->addAction(trafficAct);
    for (QAction *a : m_traffic->actions())
        view->addAction(a);
    m_rttProbeAct = view->addAction(tr("Measure &round-trip time (a CALL to %1 every 5 s)").arg(Connection::rttProbeProcedure()));
    m_rttProbeAct->setCheckable(true);
    m_rttProbeAct->setChecked(m_settings->value(QStringLiteral("view/rttProbe"), true).toBool());
    connect(m_rttProbeAct, &QAction::toggled, this, [this](bool on) {
        m_settings->setValue(QStringLiteral("view/rttProbe"), on);
        for (Connection *c : std::as_const(m_connections))
            c->setRttProbeInterval(on ? kRttProbeIntervalMs : 0);
        refreshStatusBar();
    });
    view->addSeparator();
    QMenu *themes = view->addMenu(tr("T&heme"));
    m_themeGroup = new QActionGroup(this);
    const std::pair<Theme, QString> themeNames[] = {
        {Theme::System, tr("Follow the &system")}, {Theme::Light, tr("&Light")}, {Theme::Dark, tr("&Dark")}};
    for (const auto &[t, name] : themeNames) {
        QAction *a = themes->addAction(name, this, [this, t = t]() { setTheme(t); });
        a->setCheckable(true);
        a->setData(int(t));
        m_themeGroup->addAction(a);
    }
}

void MainWindow::setTheme(Theme t)
{
    m_theme = t;
    switch (t) {
    case Theme::System:
        if (QStyle *s = QStyleFactory::create(m_systemStyle))
            QApplication::setStyle(s);
        QApplication::setPalette(m_systemPalette);
        break;
    case Theme::Light:
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(QApplication::style()->standardPalette());
        break;
    case Theme::Dark:
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(darkPalette());
        break;
    }
    if (m_themeGroup) {
        for (QAction *a : m_themeGroup->actions())
            a->setChecked(a->data().toInt() == int(t));
    }
    m_settings->setValue(QStringLiteral("view/theme"), t == Theme::Dark    ? QStringLiteral("dark")
                                                       : t == Theme::Light ? QStringLiteral("light")
                                                                           : QStringLiteral("system"));
}

} // namespace wb::ui
