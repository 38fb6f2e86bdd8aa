// SPDX-License-Identifier: GPL-3.0-or-later
#include "views/jsoneditor.h"

#include "inspect/jsontext.h"

#include <QFontDatabase>
#include <QLabel>
#include <QPalette>
#include <QPlainTextEdit>
#include <QVBoxLayout>

namespace wb::ui {

JsonHighlighter::JsonHighlighter(QTextDocument *doc) : QSyntaxHighlighter(doc) {}

void JsonHighlighter::setErrorPosition(int line, int column)
{
    if (line == m_errorLine && column == m_errorColumn)
        return;
    m_errorLine = line;
    m_errorColumn = column;
    rehighlight();
}

void JsonHighlighter::highlightBlock(const QString &text)
{
    QTextCharFormat str, key, num, kw, tmpl;
    str.setForeground(QColor(0x2e, 0x8b, 0x57));
    key.setForeground(QColor(0x1e, 0x6f, 0xc8));
    num.setForeground(QColor(0xc0, 0x60, 0x10));
    kw.setForeground(QColor(0x9b, 0x30, 0xb0));
    kw.setFontWeight(QFont::Bold);
    tmpl.setBackground(QColor(0xff, 0xee, 0xaa, 0x80));
    qsizetype i = 0;
    while (i < text.size()) {
        const QChar c = text.at(i);
        if (c == QLatin1Char('"')) {
            qsizetype j = i + 1;
            while (j < text.size() && text.at(j) != QLatin1Char('"'))
                j += text.at(j) == QLatin1Char('\\') ? 2 : 1;
            j = qMin(j + 1, text.size());
            qsizetype k = j;
            while (k < text.size() && text.at(k).isSpace())
                ++k;
            setFormat(int(i), int(j - i), (k < text.size() && text.at(k) == QLatin1Char(':')) ? key : str);
            i = j;
        } else if (c.isDigit() || c == QLatin1Char('-')) {
            qsizetype j = i + 1;
            while (j < text.size() && (text.at(j).isDigit() || QStringView(u".eE+-").contains(text.at(j))))
                ++j;
            setFormat(int(i), int(j - i), num);
            i = j;
        } else if (c.isLetter()) {
            qsizetype j = i;
            while (j < text.size() && text.at(j).isLetter())
                ++j;
            const QStringView w = QStringView(text).mid(i, j - i);
            if (w == u"true" || w == u"false" || w == u"null")
                setFormat(int(i), int(j - i), kw);
            i = j;
        } else {
            ++i;
        }
    }
    // {{template}} placeholders
    for (qsizetype p = text.indexOf(QLatin1String("{{")); p >= 0; p = text.indexOf(QLatin1String("{{"), p + 2)) {
        const qsizetype e = text.indexOf(QLatin1String("}}"), p);
        if (e < 0)
            break;
        QTextCharFormat f = format(int(p));
        f.setBackground(tmpl.background());
        setFormat(int(p), int(e + 2 - p), f);
    }
    if (m_errorLine > 0 && currentBlock().blockNumber() + 1 == m_errorLine) {
        const int col = qMin(m_errorColumn - 1, int(text.size()) - 1);
        QTextCharFormat err = format(qMax(0, col));
        err.setUnderlineStyle(QTextCharFormat::WaveUnderline);
        err.setUnderlineColor(Qt::red);
        err.setBackground(QColor(0xff, 0x40, 0x40, 0x50));
        setFormat(qMax(0, col), 1, err);
        if (text.isEmpty() || col < 0)
            setFormat(0, int(text.size()), err);
    }
}

JsonEditor::JsonEditor(Expect expect, QWidget *parent)
    : QWidget(parent), m_expect(expect), m_edit(new QPlainTextEdit(this)), m_error(new QLabel(this))
{
    auto *lay = new QVBoxLayout(this);
    lay->setContentsMargins(0, 0, 0, 0);
    lay->setSpacing(2);
    m_edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_edit->setTabChangesFocus(true);
    m_edit->setMinimumHeight(48);
    m_highlighter = new JsonHighlighter(m_edit->document());
    m_error->setWordWrap(true);
    QPalette pal = m_error->palette();
    pal.setColor(QPalette::WindowText, QColor(0xd0, 0x20, 0x20));
    m_error->setPalette(pal);
    m_error->hide();
    lay->addWidget(m_edit, 1);
    lay->addWidget(m_error);
    connect(m_edit, &QPlainTextEdit::textChanged, this, [this] {
        validate();
        emit textChanged();
    });
    validate();
}

QString JsonEditor::text() const
{
    return m_edit->toPlainText();
}

void JsonEditor::setText(const QString &text)
{
    m_edit->setPlainText(text);
}

void JsonEditor::setPlaceholderText(const QString &text)
{
    m_edit->setPlaceholderText(text);
}

void JsonEditor::setValidationEnabled(bool on)
{
    m_validate = on;
    validate();
}

QString JsonEditor::errorText() const
{
    return m_error->isVisible() || !m_valid ? m_error->text() : QString();
}

void JsonEditor::validate()
{
    const bool was = m_valid;
    QString err;
    int line = 0, col = 0;
    const QString t = m_edit->toPlainText();
    if (t.trimmed().isEmpty()) {
        m_value = m_expect == Expect::Object ? wamp::Value(wamp::Dict()) : wamp::Value(wamp::List());
    } else if (m_validate) {
        const inspect::JsonParse p = inspect::parseJsonText(t);
        if (!p.ok) {
            err = p.error.toString();
            line = p.error.line;
            col = p.error.column;
        } else if (m_expect == Expect::Array && !p.value.isList()) {
            err = tr("expected a JSON array, e.g. [1, \"two\"]");
        } else if (m_expect == Expect::Object && !p.value.isDict()) {
            err = tr("expected a JSON object, e.g. {\"key\": 1}");
        } else {
            m_value = p.value;
        }
    }
    m_valid = err.isEmpty();
    m_error->setText(err);
    m_error->setVisible(!m_valid);
    m_highlighter->setErrorPosition(line, col);
    if (was != m_valid)
        emit validityChanged(m_valid);
}

} // namespace wb::ui
