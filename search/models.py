"""Bookkeeping for the search index (the index tables themselves are raw SQL, see
``search/migrations/0001_initial.py`` and ``search/engines/``).

* ``PendingKey`` is a transactional outbox: signal handlers add the keys of documents whose
  sources changed *inside the writer's transaction*, so a change is never lost even when the
  indexing task fails or runs late; the task deletes a key once it is indexed.
* ``IndexState`` holds a few named values: when the index was last built / updated, and
  whether a rebuild is running (pending keys then wait for the new index).
"""

from django.db import models


class PendingKey(models.Model):
    key = models.CharField(max_length=120, unique=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "待索引文档"
        verbose_name_plural = "待索引文档"

    def __str__(self):
        return self.key


class IndexState(models.Model):
    name = models.CharField(max_length=64, primary_key=True)
    value = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "索引状态"
        verbose_name_plural = "索引状态"

    def __str__(self):
        return f"{self.name}={self.value}"
