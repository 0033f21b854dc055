"""A recording stand-in for an Elasticsearch node, plugged into the real client through
``node_class``: the client, ``elasticsearch.helpers`` and ``elasticsearch.dsl`` run for real
and only the HTTP exchange is simulated (indices, aliases, bulk, count, a trivial search
returning every document of the target indices, scroll). Enough to test the engine's
choreography — index creation with the mapping, bulk loads, the atomic alias swap — where no
server can run; ``ELASTICSEARCH_URL`` runs the live tests instead.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, unquote, urlsplit

from elastic_transport import ApiResponseMeta, BaseNode, HttpHeaders
from elastic_transport._node import NodeApiResponse

CLUSTER: dict = {}


def reset() -> dict:
    CLUSTER.clear()
    CLUSTER.update(indices={}, aliases={}, requests=[], alias_actions=[])
    return CLUSTER


class FakeNode(BaseNode):
    _CLIENT_META_HTTP_CLIENT = ("fk", "1.0")

    def perform_request(self, method, target, body=None, headers=None, request_timeout=None):
        parts = urlsplit(target)
        path = [unquote(p) for p in parts.path.strip("/").split("/") if p]
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        CLUSTER["requests"].append((method, "/" + "/".join(path), query))
        status, payload = self.route(method, path, query, body)
        meta = ApiResponseMeta(
            status=status,
            http_version="1.1",
            headers=HttpHeaders(
                {"x-elastic-product": "Elasticsearch", "content-type": "application/json"}
            ),
            duration=0.0,
            node=self.config,
        )
        data = b"" if method == "HEAD" else json.dumps(payload).encode()
        return NodeApiResponse(meta, data)

    # -- helpers ------------------------------------------------------------------------------

    @staticmethod
    def resolve(name: str) -> list[str]:
        out = []
        for part in name.split(","):
            if part in CLUSTER["indices"]:
                out.append(part)
            else:
                out += [i for i, a in CLUSTER["aliases"].items() if part in a]
                if part.endswith("*"):
                    out += [i for i in CLUSTER["indices"] if i.startswith(part[:-1])]
        return list(dict.fromkeys(out))

    def route(self, method, path, query, body):
        indices, aliases = CLUSTER["indices"], CLUSTER["aliases"]
        if path == ["_bulk"]:
            return self.bulk(body)
        if path == ["_aliases"] and method == "POST":
            actions = json.loads(body)["actions"]
            CLUSTER["alias_actions"].append(actions)
            for action in actions:
                ((kind, spec),) = action.items()
                if kind == "add":
                    aliases.setdefault(spec["index"], set()).add(spec["alias"])
                elif kind == "remove":
                    aliases.get(spec["index"], set()).discard(spec["alias"])
                elif kind == "remove_index":
                    indices.pop(spec["index"], None)
            return 200, {"acknowledged": True}
        if path[:1] == ["_alias"]:
            names = [i for i, a in aliases.items() if path[1] in a and i in indices]
            if method == "HEAD":
                return (200 if names else 404), {}
            return (200, {i: {"aliases": {path[1]: {}}} for i in names}) if names else (404, {})
        if path[:1] == ["_cluster"]:
            return 200, {"status": "green"}
        if path[:2] == ["_search", "scroll"]:
            return 200, {
                "_scroll_id": "s",
                "hits": {"hits": [], "total": {"value": 0}},
                "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
            }
        name = path[0]
        if len(path) == 1:
            if method == "PUT":
                spec = json.loads(body or b"{}")
                indices[name] = {"body": spec, "docs": {}}
                for alias in spec.get("aliases", {}):
                    aliases.setdefault(name, set()).add(alias)
                return 200, {"acknowledged": True, "index": name}
            if method == "HEAD":
                return (200 if name in indices else 404), {}
            if method == "DELETE":
                for i in self.resolve(name):
                    indices.pop(i, None)
                    aliases.pop(i, None)
                return 200, {"acknowledged": True}
            if method == "GET":
                return 200, {i: indices[i]["body"] for i in self.resolve(name)}
        op = path[1]
        targets = self.resolve(name)
        if op == "_settings":
            for i in targets:
                indices[i].setdefault("settings_updates", []).append(json.loads(body))
            return 200, {"acknowledged": True}
        if op == "_refresh":
            return 200, {"_shards": {"total": 1, "successful": 1, "failed": 0}}
        if op == "_count":
            return 200, {"count": sum(len(indices[i]["docs"]) for i in targets)}
        if op == "_search":
            docs = [(i, _id, src) for i in targets for _id, src in indices[i]["docs"].items()]
            request = json.loads(body or b"{}")
            CLUSTER.setdefault("searches", []).append(request)
            size = request.get("size", 10)
            hits = [
                {"_index": i, "_id": _id, "_score": 1.0, "_source": src}
                for i, _id, src in sorted(docs, key=lambda d: d[1])[:size]
            ]
            return 200, {
                "took": 1,
                "timed_out": False,
                "_scroll_id": "s",
                "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
                "hits": {
                    "total": {"value": len(docs), "relation": "eq"},
                    "max_score": 1.0,
                    "hits": hits,
                },
            }
        return 400, {"error": f"fake node: unsupported {method} {path}"}

    def bulk(self, body):
        lines = [json.loads(line) for line in body.decode().splitlines() if line.strip()]
        items, i = [], 0
        while i < len(lines):
            ((op, meta),) = lines[i].items()
            targets = self.resolve(meta["_index"])
            index = targets[0] if targets else meta["_index"]
            docs = CLUSTER["indices"].setdefault(index, {"body": {}, "docs": {}})["docs"]
            if op == "delete":
                found = docs.pop(meta["_id"], None) is not None
                items.append(
                    {op: {"_index": index, "_id": meta["_id"], "status": 200 if found else 404}}
                )
                i += 1
            else:
                docs[meta["_id"]] = lines[i + 1]
                items.append(
                    {op: {"_index": index, "_id": meta["_id"], "status": 201, "result": "created"}}
                )
                i += 2
        return 200, {"took": 1, "errors": False, "items": items}


def client():
    from elasticsearch import Elasticsearch

    return Elasticsearch("http://fake-es:9200", node_class=FakeNode)
