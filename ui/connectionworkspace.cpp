// SPDX-License-Identifier: GPL-3.0-or-later
#include "connectionworkspace.h"

#include "client/connection.h"
#include "panels/metamonitor.h"

#include <QLabel>
#include <QTabWidget>
#include <QVBoxLayout>

namespace wb::ui {

namespace {
ConnectionWorkspace::PanelFactory g_factory = nullptr;
const char *kPlaceholder = "wbPlaceholder";
} // namespace

QStringList ConnectionWorkspace::standardPanelTitles()
{
    return {tr("Subscribe"), tr("Call"), tr("Publish"), tr("Register")};
}

void ConnectionWorkspace::setPanelFactory(PanelFactory factory)
{
    g_factory = factory;
}

ConnectionWorkspace::ConnectionWorkspace(client::Connection *connection, QWidget *parent)
    : QWidget(parent), m_connection(connection), m_tabs(new QTabWidget(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_tabs->setDocumentMode(true);
    layout->addWidget(m_tabs);
    for (const QString &title : standardPanelTitles()) {
        auto *label = new QLabel(tr("The %1 panel is not available in this build yet.").arg(title), m_tabs);
        label->setAlignment(Qt::AlignCenter);
        label->setProperty(kPlaceholder, true);
        m_tabs->addTab(label, title);
    }
    // The router this connection talks to, as its meta API shows it (after the panels, whatever they add).
    m_tabs->addTab(new MetaMonitor(session(), m_tabs), tr("Router"));
    if (g_factory)
        g_factory(this);
}

session::Session *ConnectionWorkspace::session() const
{
    return m_connection ? m_connection->session() : nullptr;
}

void ConnectionWorkspace::addPanel(QWidget *panel, const QString &title)
{
    for (int i = 0; i < m_tabs->count(); ++i) {
        if (m_tabs->tabText(i) == title) {
            QWidget *old = m_tabs->widget(i);
            const bool current = m_tabs->currentIndex() == i;
            m_tabs->removeTab(i);
            m_tabs->insertTab(i, panel, title);
            if (current)
                m_tabs->setCurrentIndex(i);
            old->deleteLater();
            return;
        }
    }
    m_tabs->insertTab(m_tabs->count() - 1, panel, title); // before the Router tab
}

QWidget *ConnectionWorkspace::panel(const QString &title) const
{
    for (int i = 0; i < m_tabs->count(); ++i) {
        if (m_tabs->tabText(i) == title)
            return m_tabs->widget(i);
    }
    return nullptr;
}

void ConnectionWorkspace::showPanel(const QString &title)
{
    if (QWidget *w = panel(title)) {
        m_tabs->setCurrentWidget(w);
        w->setFocus(Qt::ShortcutFocusReason);
    }
}

} // namespace wb::ui
