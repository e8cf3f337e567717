import { Controller, Get, Header, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { dirname, join } from 'node:path';
import { notFound, Public, RouteCatalogue, RouteDoc } from '../http';
import { openApiDocument } from './openapi-document';

// swagger-ui-dist ships the files only; where npm installed it is where they are.
const uiDirectory = dirname(require.resolve('swagger-ui-dist/package.json'));

/** The swagger-ui-dist files the docs page loads, served from the package: no CDN, works offline. */
const uiAssets = new Set(['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'favicon-32x32.png']);

const docsPage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Careflow API</title><link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-ui-standalone-preset.js"></script>
<script src="/docs/initializer.js"></script>
</body>
</html>
`;

// A file of its own rather than an inline script, so the page runs under a script-src 'self' policy.
const initializer = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });
`;

@Controller()
export class OpenApiController {
  private document: Record<string, unknown> | undefined;

  constructor(private readonly catalogue: RouteCatalogue) {}

  @Get('openapi.json')
  @Public()
  @RouteDoc({ summary: 'This document' })
  openApi(): Record<string, unknown> {
    this.document ??= openApiDocument(this.catalogue.routes());
    return this.document;
  }

  @Get('docs')
  @Public()
  @RouteDoc({ summary: 'Interactive documentation (Swagger UI, served offline)' })
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'")
  docs(): string {
    return docsPage;
  }

  @Get('docs/:asset')
  @Public()
  @RouteDoc({ summary: "The documentation page's files" })
  asset(@Param('asset') asset: string, @Res() response: Response): void {
    if (asset === 'initializer.js') {
      response.type('application/javascript').send(initializer);
      return;
    }
    if (!uiAssets.has(asset)) throw notFound('file');
    response.sendFile(join(uiDirectory, asset));
  }
}
