// The API's answer types moved to HanAPI (shared with the MCP tools); users of HanServe keep seeing them.
@_exported import HanAPI
