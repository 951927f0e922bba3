import {
  Controller,
  type DynamicModule,
  Get,
  Inject,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  Optional,
  Redirect,
} from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '@velvet/access';
import { cacheControlFor, precompressedAssets } from './precompressed-assets';

/** Where the single-page portal lives. A path of its own, so no page URL can shadow an API route. */
export const WEB_ROOT = '/app';
const WEB_DIST_DIR = Symbol('WEB_DIST_DIR');

@ApiExcludeController()
@Controller()
export class WebRootController {
  /** People open the bare address; send them to the portal. */
  @Public()
  @Get()
  @Redirect(`${WEB_ROOT}/`, 302)
  root() {}
}

/**
 * Serves the built web portal (apps/web/dist) under /app when WEB_DIST_DIR is set. Nest's
 * routes are registered before the static handler, so the API always wins; unknown paths under
 * /app fall back to index.html for client-side routing.
 */
@Module({})
export class WebPortalModule implements NestModule {
  constructor(@Optional() @Inject(WEB_DIST_DIR) private readonly distDir?: string) {}

  static forRoot(distDir: string | undefined): DynamicModule {
    if (!distDir) return { module: WebPortalModule };
    return {
      module: WebPortalModule,
      providers: [{ provide: WEB_DIST_DIR, useValue: distDir }],
      imports: [
        ServeStaticModule.forRoot({
          rootPath: distDir,
          serveRoot: WEB_ROOT,
          serveStaticOptions: {
            cacheControl: false,
            setHeaders: (res: { setHeader(name: string, value: string): void }, path: string) =>
              res.setHeader('Cache-Control', cacheControlFor(path)),
          },
        }),
      ],
      controllers: [WebRootController],
    };
  }

  /** Runs before the static handler (middleware precedes it), so a compressed copy wins when accepted. */
  configure(consumer: MiddlewareConsumer): void {
    if (this.distDir)
      consumer.apply(precompressedAssets(this.distDir)).forRoutes(`${WEB_ROOT}/assets/*path`);
  }
}
