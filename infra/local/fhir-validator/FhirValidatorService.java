/*
 * The HAPI FHIR R4 validator as a small HTTP service of the local stack (infra/local/stack.d/fhir-validator.sh,
 * docs/fhir.md). POST a FHIR R4 resource or Bundle as JSON to /validate and get back an OperationOutcome
 * listing every issue the validator found (severity, FHIRPath location, message, HAPI message id).
 * GET /health answers 200 once the validator has loaded the R4 core definitions.
 *
 * Everything it checks against ships in the jars: the R4 core StructureDefinitions, ValueSets and code
 * systems (hapi-fhir-validation-resources-r4). Nothing is fetched at run time, so codes of external code
 * systems (SNOMED CT, LOINC, ICD-10-CM, CPT, NUCC …) cannot be checked: they come back as warnings
 * naming the unknown code system, never as errors.
 *
 * It never logs a request body (it may hold PHI), only timings.
 */
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ValidationResult;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;

public final class FhirValidatorService {
  /** A request larger than this is refused with 413 before it is read whole. */
  private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

  private static final String WARM_UP =
      "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[{\"fullUrl\":\"urn:uuid:0b8f4d3e-7c55-4b3a-9f0e-2b7f3f1f2a10\","
          + "\"resource\":{\"resourceType\":\"Patient\",\"gender\":\"unknown\"}}]}";

  private FhirValidatorService() {}

  public static void main(String[] args) throws IOException {
    long started = System.nanoTime();
    int port = Integer.parseInt(System.getProperty("careflow.fhirValidator.port", "8287"));
    int threads = Integer.parseInt(System.getProperty("careflow.fhirValidator.threads", "2"));

    FhirContext context = FhirContext.forR4();
    FhirValidator validator = context.newValidator().registerValidatorModule(new FhirInstanceValidator(supportChain(context)));
    // The first validation loads and snapshots the core definitions; do it before answering /health.
    validator.validateWithResult(WARM_UP);

    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
    server.setExecutor(Executors.newFixedThreadPool(threads));
    server.createContext("/health", exchange -> {
      try (exchange) {
        respond(exchange, 200, "application/json", "{\"status\":\"up\"}");
      }
    });
    server.createContext("/validate", exchange -> {
      try (exchange) {
        validate(context, validator, exchange);
      }
    });
    server.start();
    System.out.printf(
        "fhir-validator: listening on 127.0.0.1:%d after %d ms (HAPI FHIR %s, R4)%n",
        port, (System.nanoTime() - started) / 1_000_000, ca.uhn.fhir.util.VersionUtil.getVersion());
  }

  /**
   * Core definitions first, then the terminology that can be checked without a network: the code systems
   * and ValueSets of the R4 core (in memory) and the common ones HAPI knows (UCUM, languages, mime types,
   * ISO countries and currencies, USPS states). Anything else is an unknown code system: a warning.
   */
  private static IValidationSupport supportChain(FhirContext context) {
    return new ValidationSupportChain(
        new DefaultProfileValidationSupport(context),
        new CommonCodeSystemsTerminologyService(context),
        new InMemoryTerminologyServerValidationSupport(context),
        new SnapshotGeneratingValidationSupport(context));
  }

  private static void validate(FhirContext context, FhirValidator validator, HttpExchange exchange) throws IOException {
    if (!"POST".equals(exchange.getRequestMethod())) {
      exchange.getResponseHeaders().set("Allow", "POST");
      respond(exchange, 405, "text/plain", "POST a FHIR R4 resource as JSON\n");
      return;
    }
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readNBytes(MAX_BODY_BYTES + 1);
    }
    if (body.length > MAX_BODY_BYTES) {
      respond(exchange, 413, "text/plain", "request larger than " + MAX_BODY_BYTES + " bytes\n");
      return;
    }
    long started = System.nanoTime();
    ValidationResult result = validator.validateWithResult(new String(body, StandardCharsets.UTF_8));
    String outcome = context.newJsonParser().encodeResourceToString(result.toOperationOutcome());
    System.out.printf(
        "fhir-validator: validated %d bytes in %d ms: %d issues%n",
        body.length, (System.nanoTime() - started) / 1_000_000, result.getMessages().size());
    respond(exchange, 200, "application/fhir+json", outcome);
  }

  private static void respond(HttpExchange exchange, int status, String contentType, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType + "; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
