// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/payloadview.h"

#include "inspect/jsontext.h"
#include "models/valuetreemodel.h"

#include <QFontDatabase>
#include <QHeaderView>
#include <QPlainTextEdit>
#include <QTreeView>

namespace wb::ui {

PayloadView::PayloadView(QWidget *parent)
    : QTabWidget(parent), m_model(new ValueTreeModel(this)), m_tree(new QTreeView(this)), m_raw(new QPlainTextEdit(this))
{
    m_tree->setModel(m_model);
    m_tree->setUniformRowHeights(true);
    m_tree->header()->setSectionResizeMode(QHeaderView::Interactive);
    m_tree->setColumnWidth(0, 160);
    m_tree->setColumnWidth(1, 260);
    m_raw->setReadOnly(true);
    m_raw->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_raw->setLineWrapMode(QPlainTextEdit::NoWrap);
    addTab(m_tree, tr("Tree"));
    addTab(m_raw, tr("Raw"));
}

void PayloadView::setPayload(const wamp::Value &root)
{
    m_model->setValue(root);
    m_tree->expandToDepth(1);
    m_raw->setPlainText(inspect::toPrettyJson(root));
}

void PayloadView::clearPayload()
{
    m_model->setValue({});
    m_raw->clear();
}

QString PayloadView::rawText() const
{
    return m_raw->toPlainText();
}

} // namespace wb::ui
